import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { BLOCK_TYPES } from '../blocks/types.ts';
import type { ServiceFieldRef } from '../vocabulary/service-fields.ts';
import { loadBotFile, loadBotText, type LoadResult } from './load.ts';
import { formatProblem, PROBLEM_CODES, type Problem, type ProblemCode } from './problem.ts';
import { validateBot } from './validate.ts';

/** What a helpdesk accepts as a priority, for the choice-value check. */
const KNOWN = (ref: ServiceFieldRef): readonly string[] => (ref.field === 'priority' ? ['High', 'Medium', 'Low'] : []);
const FILE = 'bots/test.yaml';
const DESIGN = new URL('./fixtures/design-support.yaml', import.meta.url);

/** A bot whose blocks follow a 6-line header, so the first block's key is on line 7. */
const bot = (blocks: string, start = 'hello'): string => `renkei: 1\nid: test\nname: Test\nlocale: en\nstart: ${start}\nblocks:\n${blocks}`;

const lines = (result: LoadResult): string[] => result.problems.map((p) => formatProblem(p));

type Case = { readonly text: string; readonly expected: string } | { readonly path: string; readonly expected: string };

/** One case per problem code: keyed by the code, so a new code without a test does not compile. */
const CASES: { readonly [C in ProblemCode]: Case } = {
  file_unreadable: { path: '/nonexistent/renkei/bot.yaml', expected: '/nonexistent/renkei/bot.yaml: cannot read the file: no such file' },
  yaml_syntax: {
    text: 'renkei: 1\nid: test\nblocks:\n\thello: {}\n',
    expected: `${FILE}:4: malformed YAML: Tabs are not allowed as indentation`,
  },
  yaml_warning: {
    text: bot('  hello:\n    type: end\n    text: !shout hi\n'),
    expected: `${FILE}:9: warning: Unresolved tag: !shout`,
  },
  too_large: {
    text: bot(
      `  big: { type: end, text: &big "${'x'.repeat(25_000)}" }\n${Array.from({ length: 99 }, (_, i) => `  b${i}: { type: end, text: *big }`).join('\n')}\n`,
    ),
    expected: `${FILE}:1: the bot is larger than 2,000,000 characters once its YAML aliases (*name) are expanded; a bot that large is not one a person wrote — repeat less through aliases`,
  },
  duplicate_key: {
    text: bot('  hello:\n    type: end\n    text: hi\n    text: bye\n'),
    expected: `${FILE}:10: duplicate key "text" — each key may appear once`,
  },
  not_a_mapping: {
    text: '- renkei: 1\n',
    expected: `${FILE}:1: a bot file must be a mapping with renkei, id, name, locale, start and blocks; this is a list`,
  },
  unknown_key: {
    text: bot('  hello:\n    type: message\n    text: hi\n    nxt: bye\n    next: bye\n  bye:\n    type: end\n'),
    expected: `${FILE}:10 block "hello" field "nxt": unknown key "nxt" — did you mean "next"?`,
  },
  missing_key: {
    text: bot('  hello:\n    type: message\n    text: hi\n'),
    expected: `${FILE}:7 block "hello" field "next": missing required key "next"`,
  },
  invalid_type: {
    text: bot('  hello:\n    type: ask\n    kind: text\n    prompt: Hi\n    save: answer\n    retries: two\n    next: bye\n  bye:\n    type: end\n'),
    expected: `${FILE}:12 block "hello" field "retries": expected a number, got text`,
  },
  invalid_option: {
    text: bot(
      '  hello:\n    type: condition\n    rules:\n      - when: { var: visitor.name, op: equal, value: Taro }\n        next: bye\n    else: bye\n  bye:\n    type: end\n',
    ),
    expected: `${FILE}:10 block "hello" field "rules.0.when.op": "equal" is not allowed — did you mean "equals"? (allowed: equals, not_equals, contains, is_set, is_not_set, greater_than, less_than)`,
  },
  invalid_variable: {
    text: bot('  hello:\n    type: ask\n    kind: text\n    prompt: Hi\n    save: Favourite Colour\n    next: bye\n  bye:\n    type: end\n'),
    expected: `${FILE}:11 block "hello" field "save": "Favourite Colour" is not a variable name — use visitor.name, visitor.email, visitor.phone, visitor.company or a bot variable of a-z, 0-9 and _`,
  },
  invalid_value: {
    text: bot('  hello:\n    type: set\n    values: {}\n    next: hello\n'),
    expected: `${FILE}:9 block "hello" field "values": set needs at least one variable`,
  },
  invalid_bot_id: {
    text: bot('  hello:\n    type: end\n').replace('id: test', 'id: Test Bot'),
    expected: `${FILE}:2 field "id": "Test Bot" cannot be a bot id: use lower-case letters, digits and - (e.g. contact-2)`,
  },
  empty_value: {
    text: bot('  hello:\n    type: choice\n    prompt: Which?\n    save: pick\n    options:\n      - { label: "", value: a, next: hello }\n'),
    expected: `${FILE}:12 block "hello" field "options.0.label": label is empty: write a value`,
  },
  out_of_range: {
    text: bot('  hello:\n    type: ask\n    kind: text\n    prompt: Q?\n    save: a\n    retries: -1\n    next: hello\n'),
    expected: `${FILE}:12 block "hello" field "retries": must be at least 0`,
  },
  invalid_format: {
    text: bot('  hello:\n    type: message\n    text: Hi\n    image: not a url\n    next: hello\n'),
    expected: `${FILE}:10 block "hello" field "image": "not a url" is not a valid URL (http or https)`,
  },
  missing_block_type: {
    text: bot('  hello:\n    text: hi\n'),
    expected: `${FILE}:7 block "hello" field "type": missing block "type" (block types: message, ask, choice, consent, condition, set, goto, end, handoff, crm.lead, crm.contact, crm.deal, helpdesk.ticket, mailing.subscribe, webhook)`,
  },
  unknown_block_type: {
    text: bot('  hello:\n    type: helpdesk.tiket\n'),
    expected: `${FILE}:8 block "hello" field "type": unknown block type "helpdesk.tiket" — did you mean "helpdesk.ticket"? (block types: message, ask, choice, consent, condition, set, goto, end, handoff, crm.lead, crm.contact, crm.deal, helpdesk.ticket, mailing.subscribe, webhook)`,
  },
  unknown_target: {
    text: bot('  hello:\n    type: goto\n    target: bye\n  bye:\n    type: message\n    text: bye\n    next: hello_\n'),
    expected: `${FILE}:13 block "bye" field "next": no block "hello_" in this bot — did you mean "hello"?`,
  },
  missing_port: {
    text: bot('  hello:\n    type: crm.lead\n    ports:\n      success: bye\n  bye:\n    type: end\n'),
    expected: `${FILE}:9 block "hello" field "ports.failure": missing failure port — every integration block needs success and failure (crm.lead ports: success, failure, integration_invalid, already_exists)`,
  },
  unknown_port: {
    text: bot(
      '  hello:\n    type: helpdesk.ticket\n    subject: Help\n    ports:\n      success: bye\n      failure: bye\n      already_exists: bye\n  bye:\n    type: end\n',
    ),
    expected: `${FILE}:13 block "hello" field "ports.already_exists": helpdesk.ticket has no port "already_exists" — its ports are: success, failure, integration_invalid, department_invalid, assignee_invalid`,
  },
  unknown_output: {
    text: bot(
      '  hello:\n    type: helpdesk.ticket\n    subject: Help\n    save: { id: ticket_id, ticket_no: ticket_number }\n    ports: { success: bye, failure: bye }\n  bye:\n    type: end\n',
    ),
    expected: `${FILE}:10 block "hello" field "save.ticket_no": helpdesk.ticket has no output "ticket_no" — its outputs are: id, number`,
  },
  undefined_variable: {
    text: bot(
      '  hello:\n    type: message\n    text: "Your lead is %lead_id%"\n    next: lead\n  lead:\n    type: crm.lead\n    save: { id: lead_id }\n    ports: { success: bye, failure: bye }\n  bye:\n    type: end\n',
    ),
    expected: `${FILE}:9 block "hello" field "text": merge field %lead_id% is not set on any path to this block (it is set only by lead)`,
  },
  unknown_visitor_field: {
    text: bot('  hello:\n    type: end\n    text: "You are %visitor.age%"\n'),
    expected: `${FILE}:9 block "hello" field "text": merge field %visitor.age% is not a visitor field — visitor fields are: visitor.name, visitor.email, visitor.phone, visitor.company`,
  },
  not_single_merge_field: {
    text: bot(
      '  hello:\n    type: mailing.subscribe\n    list: Newsletter\n    name: "Dear %visitor.name%"\n    ports: { success: bye, failure: bye }\n  bye:\n    type: end\n',
    ),
    expected: `${FILE}:10 block "hello" field "name": name must be exactly one merge field such as %visitor.name%, not "Dear %visitor.name%"`,
  },
  duplicate_option_value: {
    text: bot(
      '  hello:\n    type: choice\n    prompt: Priority?\n    save: priority\n    options:\n      - { label: Low, value: Low, next: bye }\n      - { label: Lowest, value: Low, next: bye }\n  bye:\n    type: end\n',
    ),
    expected: `${FILE}:13 block "hello" field "options.1.value": option value "Low" is already used by option 1 — option values must be unique`,
  },
  empty_text: {
    text: bot('  hello:\n    type: message\n    text: "  "\n    next: bye\n  bye:\n    type: end\n'),
    expected: `${FILE}:9 block "hello" field "text": text is empty: the visitor would be shown nothing. Write the text`,
  },
  choice_value_unknown: {
    text: bot(
      '  hello:\n    type: choice\n    prompt: Priority?\n    save: priority\n    options:\n      - { label: 高, value: 高, next: open }\n      - { label: Low, value: Low, next: open }\n  open:\n    type: helpdesk.ticket\n    subject: Help\n    priority: "%priority%"\n    ports: { success: bye, failure: bye }\n  bye:\n    type: end\n',
    ),
    expected: `${FILE}:12 block "hello" field "options.0.value": option 1 saves "高" to priority, which block "open" sends as priority: the service knows only High, Medium, Low`,
  },
  unreachable_block: {
    text: bot('  hello:\n    type: end\n  orphan:\n    type: end\n'),
    expected: `${FILE}:9 block "orphan": warning: unreachable block — no path leads here from the start block "hello"`,
  },
  low_contrast: {
    text: `${bot('  hello:\n    type: end\n')}appearance:\n  theme: light\n  accent: "#ffe066"\n`,
    expected: `${FILE}:11 field "appearance.accent": warning: the accent #ffe066 has a contrast of only 1.3:1 against the light theme's background (controls need 3:1): links and option buttons will use the text colour instead`,
  },
};

const load = (c: Case): Promise<LoadResult> => ('path' in c ? loadBotFile(c.path) : Promise.resolve(loadBotText(c.text, FILE, KNOWN)));

describe('one problem per code, naming file, block, field and line', () => {
  it.each(PROBLEM_CODES)('%s', async (code) => {
    const result = await load(CASES[code]);
    expect(lines(result)).toEqual([CASES[code].expected]);
    expect(result.problems[0]?.code).toBe(code);
    // A bot comes back only when nothing is an error.
    expect(result.bot === null).toBe(result.problems.some((p) => p.severity === 'error'));
  });
});

describe('the whole bot at once', () => {
  it('reports five different errors in one run, each with its line', () => {
    const text = bot(`  hello:
    type: mesage
    text: hi
    next: ask_name
  ask_name:
    type: ask
    kind: name
    prompt: "Hello %nickname%"
    save: visitor.name
    next: ticket
  ticket:
    type: helpdesk.ticket
    subject: "From %visitor.name%"
    ports:
      success: done
      department_invalid: nowhere
  done:
    type: end
    text: Thanks
    colour: blue
`).replace('locale: en', 'locale: fr');
    const result = loadBotText(text, FILE);
    expect(result.bot).toBeNull();
    expect(lines(result)).toEqual([
      `${FILE}:4 field "locale": "fr" is not allowed (allowed: en, ja)`,
      `${FILE}:8 block "hello" field "type": unknown block type "mesage" — did you mean "message"? (block types: message, ask, choice, consent, condition, set, goto, end, handoff, crm.lead, crm.contact, crm.deal, helpdesk.ticket, mailing.subscribe, webhook)`,
      `${FILE}:14 block "ask_name" field "prompt": merge field %nickname% names a variable that no block sets`,
      `${FILE}:20 block "ticket" field "ports.failure": missing failure port — every integration block needs success and failure (helpdesk.ticket ports: success, failure, integration_invalid, department_invalid, assignee_invalid)`,
      `${FILE}:22 block "ticket" field "ports.department_invalid": no block "nowhere" in this bot`,
      `${FILE}:26 block "done" field "colour": unknown key "colour" (allowed keys: type, name, position, text)`,
    ]);
  });

  it('accepts the DESIGN.md example with no problem at all, defaults filled in', async () => {
    const result = await loadBotFile(DESIGN.pathname);
    expect(result.problems).toEqual([]);
    expect(result.bot?.id).toBe('support');
    expect(result.bot?.blocks.ask_name).toMatchObject({ type: 'ask', retries: 2 });
  });

  it('reads JSON, with lines, and refuses duplicate keys in it', () => {
    const design = loadBotText(readFileSync(DESIGN, 'utf8'), 'support.yaml').bot;
    const json = JSON.stringify({ ...design, start: 'helo' }, null, 2);
    const result = loadBotText(json, 'support.json');
    expect(lines(result)).toEqual(['support.json:6 field "start": no block "helo" in this bot — did you mean "hello"?']);

    const duplicated = '{\n\t"renkei": 1,\n\t"id": "a",\n\t"id": "b"\n}';
    expect(lines(loadBotText(duplicated, 'dup.json'))).toEqual(['dup.json:4: duplicate key "id" — each key may appear once']);
  });

  it('refuses __proto__ as a block id instead of silently dropping the block', () => {
    const text = bot('  __proto__:\n    type: end\n', '__proto__');
    expect(lines(loadBotText(text, FILE))).toEqual([`${FILE}:7 block "__proto__": "__proto__" cannot be a block id`]);
  });

  it('takes webhook save keys as variables, set after success', () => {
    const text = bot(`  hello:
    type: webhook
    url: https://example.com/hook
    save: { order_id: $.id }
    ports: { success: done, failure: done }
  done:
    type: end
    text: "Order %order_id%"
`);
    expect(lines(loadBotText(text, FILE))).toEqual([]);
  });

  it('gives no line when validating data that did not come from text', () => {
    const result = validateBot({ renkei: 1, id: 'x', name: 'X', start: 'a', blocks: { a: { type: 'end', txt: 'hi' } } }, 'api');
    expect(result.problems.map((p) => formatProblem(p))).toEqual(['api block "a" field "txt": unknown key "txt" — did you mean "text"?']);
  });
});

describe('merge fields follow the flow', () => {
  const codes = (text: string): ProblemCode[] => loadBotText(text, FILE).problems.map((p) => p.code);

  it('carries a variable along every block after the one that sets it, loops included', () => {
    const text = bot(`  hello:
    type: ask
    kind: text
    prompt: Topic?
    save: topic
    next: echo
  echo:
    type: message
    text: "About %topic%"
    next: again
  again:
    type: condition
    rules:
      - when: { var: topic, op: equals, value: "%topic%" }
        next: done
    else: hello
  done:
    type: end
    text: "Bye, %topic%"
`);
    expect(codes(text)).toEqual([]);
  });

  it('allows a variable set on one branch of a join (may-analysis)', () => {
    const text = bot(`  hello:
    type: choice
    prompt: Pick
    save: picked
    options:
      - { label: A, value: a, next: remember }
      - { label: B, value: b, next: show }
  remember:
    type: set
    values: { note: "chose %picked%" }
    next: show
  show:
    type: end
    text: "%note% %picked%"
`);
    expect(codes(text)).toEqual([]);
  });

  it('refuses a variable that only a sibling branch sets', () => {
    const text = bot(`  hello:
    type: choice
    prompt: Pick
    save: picked
    options:
      - { label: A, value: a, next: left }
      - { label: B, value: b, next: right }
  left:
    type: set
    values: { note: x }
    next: done
  right:
    type: end
    text: "%note%"
  done:
    type: end
`);
    expect(lines(loadBotText(text, FILE))).toEqual([
      `${FILE}:20 block "right" field "text": merge field %note% is not set on any path to this block (it is set only by left)`,
    ]);
  });

  it('saves integration outputs on success only, not on failure', () => {
    const text = bot(`  hello:
    type: crm.lead
    save: { id: lead_id }
    ports: { success: ok, failure: failed }
  ok:
    type: end
    text: "Lead %lead_id%"
  failed:
    type: end
    text: "No lead %lead_id%"
`);
    expect(lines(loadBotText(text, FILE))).toEqual([
      `${FILE}:16 block "failed" field "text": merge field %lead_id% is not set on any path to this block (it is set only by hello)`,
    ]);
  });

  it('judges an unreachable block against every variable the bot sets', () => {
    const text = bot(`  hello:
    type: ask
    kind: text
    prompt: Topic?
    save: topic
    next: done
  done:
    type: end
  orphan:
    type: end
    text: "%topic% %nothing%"
`);
    expect(lines(loadBotText(text, FILE))).toEqual([
      `${FILE}:15 block "orphan": warning: unreachable block — no path leads here from the start block "hello"`,
      `${FILE}:17 block "orphan" field "text": merge field %nothing% names a variable that no block sets`,
    ]);
  });

  it('does not echo an invalid block as unset variables further down', () => {
    const text = bot(`  hello:
    type: ask
    kind: txt
    prompt: Topic?
    save: topic
    next: done
  done:
    type: end
    text: "%topic%"
`);
    expect(codes(text)).toEqual(['invalid_option']);
  });

  it('keeps %% a literal and does not read a field inside it', () => {
    const text = bot('  hello:\n    type: end\n    text: "100%% sure, %%visitor.age%% and 50% off"\n');
    expect(codes(text)).toEqual([]);
  });
});

describe('problem objects', () => {
  it('carry file, block, field, line, severity and a message', () => {
    const [p] = loadBotText(bot('  hello:\n    type: message\n    text: hi\n    next: nowhere\n'), FILE).problems;
    expect(p).toMatchObject({
      severity: 'error',
      code: 'unknown_target',
      file: FILE,
      block: 'hello',
      field: 'next',
      line: 10,
      message: 'no block "nowhere" in this bot',
    } satisfies Partial<Problem>);
  });

  it('render in Japanese', () => {
    const [p] = loadBotText(bot('  hello:\n    type: crm.lead\n    ports:\n      success: bye\n  bye:\n    type: end\n'), FILE).problems;
    expect(p && formatProblem(p, 'ja')).toBe(
      `${FILE}:9 ブロック "hello" フィールド "ports.failure": failure ポートがありません。連携ブロックには success と failure が必要です（crm.lead のポート: success、failure、integration_invalid、already_exists）`,
    );
  });
});

describe('robustness', () => {
  it('never throws, whatever the data', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(validateBot(value, 'x').bot).toBeNull();
      }),
    );
  });

  it('places every problem on a line when a block of a real bot is replaced by random data', () => {
    const design = loadBotText(readFileSync(DESIGN, 'utf8'), 'support.yaml').bot as unknown as { blocks: object };
    const keys = ['next', 'text', 'prompt', 'save', 'options', 'ports', 'rules', 'else', 'values', 'kind', 'name', 'email', 'list', 'target'];
    const block = fc.record({
      type: fc.oneof(fc.constantFrom(...BLOCK_TYPES), fc.string()),
      extra: fc.dictionary(fc.constantFrom(...keys), fc.oneof(fc.constantFrom('done', 'sorry', '%priority%', '%nope%'), fc.jsonValue())),
    });
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(design.blocks)), block, (id, { type, extra }) => {
        const text = stringify({ ...design, blocks: { ...design.blocks, [id]: { type, ...extra } } });
        const result = loadBotText(text, 'fuzz.yaml');
        for (const p of result.problems) expect(p.line, formatProblem(p)).not.toBeNull();
        expect(result.bot === null).toBe(result.problems.some((p) => p.severity === 'error'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('consent', () => {
  const consent = (extra: string) =>
    bot(`  hello:
    type: consent
    text: We keep what you type to answer you.
${extra}    next: done
  done:
    type: end
    text: "Thanks (%consent% at %consent_at%)"
`);

  it('accepts a notice with a policy link, and lets later blocks use what it saves', () => {
    const result = loadBotText(consent('    link: { url: "https://example.com/privacy", label: Privacy policy }\n'), FILE);
    expect(lines(result)).toEqual([]);
    expect(result.bot?.blocks['hello']).toMatchObject({ save: 'consent' });
  });

  it('names the field of a link that is not a web address, or missing', () => {
    expect(lines(loadBotText(consent('    link: { url: "javascript:alert(1)" }\n'), FILE))).toEqual([
      `${FILE}:10 block "hello" field "link.url": "javascript:alert(1)" is not a valid URL (http or https)`,
    ]);
    expect(lines(loadBotText(consent('    link: { url: "privacy.html" }\n'), FILE))).toEqual([
      `${FILE}:10 block "hello" field "link.url": "privacy.html" is not a valid URL (http or https)`,
    ]);
    expect(lines(loadBotText(consent(''), FILE))).toEqual([`${FILE}:7 block "hello" field "link": missing required key "link"`]);
  });

  it('refuses a save that cannot take a second variable with _at, and a variable it does not set', () => {
    const link = '    link: { url: "https://example.com/privacy" }\n';
    expect(lines(loadBotText(consent(`${link}    save: visitor.email\n`), FILE))).toEqual([
      `${FILE}:11 block "hello" field "save": must be a bot variable of a-z, 0-9 and _ (the time goes to the same name with _at)`,
      `${FILE}:15 block "done" field "text": merge field %consent_at% names a variable that no block sets`,
    ]);
    expect(loadBotText(consent(`${link}    save: privacy\n`), FILE).problems.map((p) => [p.code, p.field])).toEqual([
      ['undefined_variable', 'text'],
      ['undefined_variable', 'text'],
    ]);
  });
});
