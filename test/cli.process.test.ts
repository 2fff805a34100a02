import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renkeiProcess as renkei, tempDir } from './helpers/cli.ts';

/**
 * The real `renkei` binary in a child process, for what only a process shows: its exit code and
 * one-line error from the command line parser, the environment it was started with, stdin piped
 * into it, and that it exits by itself once the input ends. The rest of the CLI's behaviour is
 * tested in-process in cli.test.ts.
 */
let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

describe('bad input', () => {
  const oneLine = (stderr: string) => {
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  };

  it('an unknown flag and an unknown command', async () => {
    const flag = await renkei(['records', 'leads', '--frob']);
    expect(flag.code).not.toBe(0);
    oneLine(flag.stderr);
    expect(flag.stderr).toContain("unknown option '--frob'");
    const cmd = await renkei(['frob']);
    expect(cmd.code).not.toBe(0);
    expect(cmd.stderr).toContain("unknown command 'frob'");
  });

  it('RENKEI_DB is used when --db is absent', async () => {
    const run = await renkei(['builtin', 'lists', 'add', 'VIP'], { env: { RENKEI_DB: t.db } });
    expect(run.code).toBe(0);
    const lists = await renkei(['builtin', 'lists', 'list', '--json', '--db', t.db]);
    expect((JSON.parse(lists.stdout) as Array<{ name: string }>).map((l) => l.name).sort()).toEqual(['Newsletter', 'VIP']);
  });
});

describe('chat', () => {
  it('text mode shows the conversation with the piped replies', async () => {
    const run = await renkei(['chat', 'examples/support.yaml', '--db', t.db], {
      input: '田中 太郎\ntaro@example.com\nログインできません\n3\n',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('> 田中 太郎');
    expect(run.stdout).toContain('  3) 高');
    expect(run.stdout).toContain('問い合わせ番号は 1 です。');
    expect(run.stderr).toContain('[open_ticket: helpdesk.ticket → success, port success; id=');
  });

  it('says so when the input ends before the bot does', async () => {
    const run = await renkei(['chat', 'examples/lead.yaml', '--db', t.db], { input: 'Yui\n' });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('input ended while the bot was waiting for an answer');
  });
});
