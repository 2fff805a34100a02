import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parse, stringify } from 'yaml';
import type { z } from 'zod';
import type { ProblemView } from '../api.ts';
import { CANVAS_KEYS, describe, EDGE_KEYS, emptyValue } from './zod-walk.ts';

type Path = readonly (string | number)[];

export interface FormContext {
  readonly problems: readonly ProblemView[];
  /** Variables with a value on entry to the block, for the merge-field picker. */
  readonly variables: readonly string[];
  /** Values the configured integration offers for a field (departments, agents, lists, stages). */
  readonly choices: Readonly<Record<string, readonly { value: string; label: string }[]>>;
  readonly onChange: (path: Path, value: unknown) => void;
  /** Top-level keys that are not templates in this block (`name` is a label outside integration blocks). */
  readonly plain?: ReadonlySet<string>;
}

// Keys whose value is a variable name or a fixed word, not a text with merge fields.
const NOT_TEMPLATES = new Set(['save', 'var', 'kind', 'method', 'reason', 'value', 'label']);
const LONG_TEXT = new Set(['text', 'prompt', 'description']);

const pathKey = (path: Path): string => path.join('.');
const problemsAt = (ctx: FormContext, path: Path): ProblemView[] => {
  const key = pathKey(path);
  return ctx.problems.filter((p) => p.field !== null && (p.field === key || (p.field.startsWith(`${key}.`) && !isContainer(p.field, key))));
};
// A problem deeper inside an object or list is shown at its own field, not at every parent.
const isContainer = (field: string, key: string): boolean => field !== key && field.split('.').length > key.split('.').length + 1;

function Problems({ list }: { list: readonly ProblemView[] }) {
  if (list.length === 0) return null;
  return (
    <ul className="field-problems" role="alert">
      {list.map((p, i) => (
        <li key={i}>{p.message}</li>
      ))}
    </ul>
  );
}

function MergePicker({ ctx, field, onPick }: { ctx: FormContext; field: string; onPick: (name: string) => void }) {
  const { t } = useTranslation();
  return (
    <select
      className="merge-picker"
      aria-label={t('builder.insertFieldInto', { field })}
      value=""
      onChange={(e) => {
        if (e.target.value) onPick(e.target.value);
      }}
    >
      <option value="">{t('builder.insertField')}</option>
      {ctx.variables.map((v) => (
        <option key={v} value={v}>
          %{v}%
        </option>
      ))}
    </select>
  );
}

function AnyField({ value, path, ctx, label }: { value: unknown; path: Path; ctx: FormContext; label: string }) {
  const [text, setText] = useState(() => (value === undefined ? '' : stringify(value)));
  const [error, setError] = useState<string | null>(null);
  return (
    <label className="field">
      <span>{label}</span>
      <textarea
        value={text}
        rows={4}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          try {
            ctx.onChange(path, text.trim() === '' ? undefined : parse(text));
            setError(null);
          } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
          }
        }}
      />
      {error && <span className="error">{error}</span>}
    </label>
  );
}

/** One field of a block, drawn from its zod schema. */
export function Field({ schema, value, path, ctx }: { schema: z.ZodType; value: unknown; path: Path; ctx: FormContext }) {
  const { t } = useTranslation();
  const id = useId();
  const field = describe(schema);
  const key = String(path[path.length - 1]);
  const label = t(`field.${key}`, { defaultValue: key });
  const problems = problemsAt(ctx, path);
  const invalid = problems.length > 0;

  switch (field.kind) {
    case 'literal':
      return null;
    case 'string': {
      const text = typeof value === 'string' ? value : '';
      const choices = ctx.choices[key];
      const set = (v: string) => ctx.onChange(path, v === '' && field.optional ? undefined : v);
      const placeholder = typeof field.defaultValue === 'string' ? field.defaultValue : '';
      return (
        <div className={`field${invalid ? ' invalid' : ''}`}>
          <label htmlFor={id}>{label}</label>
          {LONG_TEXT.has(key) ? (
            <textarea id={id} value={text} rows={3} placeholder={placeholder} aria-invalid={invalid} onChange={(e) => set(e.target.value)} />
          ) : (
            <input id={id} value={text} placeholder={placeholder} aria-invalid={invalid} onChange={(e) => set(e.target.value)} />
          )}
          {choices && choices.length > 0 && (
            <select aria-label={t('builder.chooseFor', { field: label })} value={choices.some((c) => c.value === text) ? text : ''} onChange={(e) => set(e.target.value)}>
              <option value="">{t('builder.choose')}</option>
              {choices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          )}
          {!NOT_TEMPLATES.has(key) && !(path.length === 1 && ctx.plain?.has(key)) && ctx.variables.length > 0 && <MergePicker ctx={ctx} field={label} onPick={(v) => set(`${text}%${v}%`)} />}
          <Problems list={problems} />
        </div>
      );
    }
    case 'number':
      return (
        <div className={`field${invalid ? ' invalid' : ''}`}>
          <label htmlFor={id}>{label}</label>
          <input
            id={id}
            type="number"
            value={typeof value === 'number' ? value : ''}
            placeholder={field.defaultValue !== undefined ? String(field.defaultValue) : ''}
            onChange={(e) => ctx.onChange(path, e.target.value === '' ? undefined : Number(e.target.value))}
          />
          <Problems list={problems} />
        </div>
      );
    case 'boolean':
      return (
        <label className="field check">
          <input type="checkbox" checked={value === true} onChange={(e) => ctx.onChange(path, e.target.checked)} />
          {label}
        </label>
      );
    case 'enum':
      return (
        <div className={`field${invalid ? ' invalid' : ''}`}>
          <label htmlFor={id}>{label}</label>
          <select id={id} value={typeof value === 'string' ? value : ''} onChange={(e) => ctx.onChange(path, e.target.value || undefined)}>
            {(field.optional || typeof value !== 'string') && <option value="">—</option>}
            {field.entries?.map((entry) => (
              <option key={entry} value={entry}>
                {entry}
              </option>
            ))}
          </select>
          <Problems list={problems} />
        </div>
      );
    case 'object': {
      const obj = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
      if (field.optional && obj === undefined) {
        return (
          <button type="button" className="add" onClick={() => ctx.onChange(path, emptyValue(schema))}>
            + {label}
          </button>
        );
      }
      return (
        <fieldset className={invalid ? 'invalid' : undefined}>
          <legend>
            {label}
            {field.optional && (
              <button type="button" className="remove" aria-label={t('builder.removeField', { field: label })} onClick={() => ctx.onChange(path, undefined)}>
                ×
              </button>
            )}
          </legend>
          <ObjectFields shape={field.shape ?? {}} value={obj ?? {}} path={path} ctx={ctx} />
        </fieldset>
      );
    }
    case 'record': {
      const map = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
      return (
        <fieldset className={invalid ? 'invalid' : undefined}>
          <legend>{label}</legend>
          {Object.entries(map).map(([k, v], i) => (
            <div className="map-row" key={i}>
              <input
                aria-label={t('builder.key')}
                value={k}
                onChange={(e) => {
                  const entries = Object.entries(map).map(([kk, vv]) => (kk === k ? [e.target.value, vv] : [kk, vv]));
                  ctx.onChange(path, Object.fromEntries(entries));
                }}
              />
              <input aria-label={t('builder.value')} value={typeof v === 'string' ? v : ''} onChange={(e) => ctx.onChange([...path, k], e.target.value)} />
              <button type="button" className="remove" aria-label={t('builder.remove')} onClick={() => ctx.onChange([...path, k], undefined)}>
                ×
              </button>
            </div>
          ))}
          <button type="button" className="add" onClick={() => ctx.onChange([...path, `key${Object.keys(map).length + 1}`], '')}>
            + {t('builder.addEntry')}
          </button>
          <Problems list={problems} />
        </fieldset>
      );
    }
    case 'array': {
      const list = Array.isArray(value) ? value : [];
      const element = field.element;
      return (
        <fieldset className={invalid ? 'invalid' : undefined}>
          <legend>{label}</legend>
          {element &&
            list.map((item, i) => (
              <div className="list-item" key={i}>
                <span className="list-index">{i + 1}</span>
                {describe(element).kind === 'object' ? (
                  <ObjectFields shape={describe(element).shape ?? {}} value={(item ?? {}) as Record<string, unknown>} path={[...path, i]} ctx={ctx} />
                ) : (
                  <Field schema={element} value={item} path={[...path, i]} ctx={ctx} />
                )}
                <button
                  type="button"
                  className="remove"
                  aria-label={t('builder.removeItem', { n: i + 1 })}
                  onClick={() => ctx.onChange(path, list.filter((_, j) => j !== i))}
                >
                  ×
                </button>
              </div>
            ))}
          {element && (
            <button type="button" className="add" onClick={() => ctx.onChange(path, [...list, emptyValue(element)])}>
              + {t('builder.addItem', { field: label })}
            </button>
          )}
          <Problems list={problems} />
        </fieldset>
      );
    }
    default:
      return <AnyField value={value} path={path} ctx={ctx} label={label} />;
  }
}

export function ObjectFields({
  shape,
  value,
  path,
  ctx,
}: {
  shape: Readonly<Record<string, z.ZodType>>;
  value: Record<string, unknown>;
  path: Path;
  ctx: FormContext;
}) {
  return (
    <>
      {Object.entries(shape)
        .filter(([key]) => !EDGE_KEYS.has(key) && !CANVAS_KEYS.has(key))
        .map(([key, sub]) => (
          <Field key={key} schema={sub} value={value[key]} path={[...path, key]} ctx={ctx} />
        ))}
    </>
  );
}
