import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parse, stringify } from 'yaml';
import type { z } from 'zod';
import type { FieldMeta } from '../../../../src/blocks/fields.ts';
import { describe } from '../../../../src/blocks/zod-shape.ts';
import type { Locale } from '../../../../src/vocabulary/locales.ts';
import type { ServiceFieldRef } from '../../../../src/vocabulary/service-fields.ts';
import type { ProblemView } from '../api.ts';
import type { PickVariable } from './analysis.ts';
import { PORT, type FieldDecl } from './blocks.ts';
import { emptyValue } from './new-block.ts';

type Path = readonly (string | number)[];
type Schema = z.core.$ZodType;

export interface FormContext {
  readonly locale: Locale;
  readonly problems: readonly ProblemView[];
  /** Every variable of the bot, marked with whether each path to the block sets it, for the merge-field picker. */
  readonly variables: readonly PickVariable[];
  /** Values the configured integration offers for a field (departments, agents, lists, stages). */
  readonly choices: (ref: ServiceFieldRef) => readonly { value: string; label: string }[];
  readonly onChange: (path: Path, value: unknown) => void;
  /** For a choice whose variable feeds a field with known values (a ticket's priority): the values its options may save. */
  readonly optionValues?: readonly { value: string; label: string }[];
}

const pathKey = (path: Path): string => path.join('.');
const problemsAt = (ctx: FormContext, path: Path): ProblemView[] => {
  const key = pathKey(path);
  return ctx.problems.filter((p) => p.field !== null && (p.field === key || (p.field.startsWith(`${key}.`) && !isContainer(p.field, key))));
};
// A problem deeper inside an object or list is shown at its own field, not at every parent.
const isContainer = (field: string, key: string): boolean => field !== key && field.split('.').length > key.split('.').length + 1;

/** A field's problems; one the server found (a refused save or publish) says its line in the bot file too. */
function Problems({ list }: { list: readonly ProblemView[] }) {
  const { t } = useTranslation();
  if (list.length === 0) return null;
  return (
    <ul className="field-problems" role="alert">
      {list.map((p, i) => (
        <li key={i}>
          {p.line !== null && <span className="where">{t('problems.line', { line: p.line })}: </span>}
          {p.message}
        </li>
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
        <option key={v.name} value={v.name}>
          {v.always ? `%${v.name}%` : t('builder.notAlwaysSet', { field: `%${v.name}%` })}
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

/**
 * One field of a block: how it is edited comes from the block type's declaration (`decl`), what it
 * may hold (optional, its default, an enum's entries) from its zod schema.
 */
export function Field({ schema, decl, value, path, ctx }: { schema: Schema; decl: FieldMeta; value: unknown; path: Path; ctx: FormContext }) {
  const { t } = useTranslation();
  const id = useId();
  const field = describe(schema);
  const label = decl.label[ctx.locale];
  const problems = problemsAt(ctx, path);
  const invalid = problems.length > 0;

  switch (decl.widget) {
    case 'text':
    case 'long-text':
    case 'variable': {
      const text = typeof value === 'string' ? value : '';
      const isOptionValue = path.length === 3 && path[0] === 'options' && path[2] === 'value';
      const choices = decl.values ? ctx.choices(decl.values) : isOptionValue ? (ctx.optionValues ?? []) : [];
      const set = (v: string) => ctx.onChange(path, v === '' && field.optional ? undefined : v);
      const placeholder = typeof field.defaultValue === 'string' ? field.defaultValue : '';
      return (
        <div className={`field${invalid ? ' invalid' : ''}`}>
          <label htmlFor={id}>{label}</label>
          {decl.widget === 'long-text' ? (
            <textarea id={id} value={text} rows={3} placeholder={placeholder} aria-invalid={invalid} onChange={(e) => set(e.target.value)} />
          ) : (
            <input id={id} value={text} placeholder={placeholder} aria-invalid={invalid} onChange={(e) => set(e.target.value)} />
          )}
          {choices.length > 0 && (
            <select
              aria-label={t('builder.chooseFor', { field: label })}
              value={choices.some((c) => c.value === text) ? text : ''}
              onChange={(e) => set(e.target.value)}
            >
              <option value="">{t('builder.choose')}</option>
              {choices.map((c) => (
                // One value may appear under several labels (a deal stage in two pipelines).
                <option key={`${c.value}\u0000${c.label}`} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          )}
          {decl.merge !== 'none' && ctx.variables.length > 0 && (
            // A field that must be exactly one merge field takes the picked one in place of its text.
            <MergePicker ctx={ctx} field={label} onPick={(v) => set(decl.merge === 'single' ? `%${v}%` : `${text}%${v}%`)} />
          )}
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
    case 'yes-no':
      return (
        <label className="field check">
          <input type="checkbox" checked={value === true} onChange={(e) => ctx.onChange(path, e.target.checked)} />
          {label}
        </label>
      );
    case 'select':
      return (
        <div className={`field${invalid ? ' invalid' : ''}`}>
          <label htmlFor={id}>{label}</label>
          <select id={id} value={typeof value === 'string' ? value : ''} onChange={(e) => ctx.onChange(path, e.target.value || undefined)}>
            {(field.optional || typeof value !== 'string') && <option value="">—</option>}
            {field.entries?.map((entry) => (
              <option key={entry} value={entry}>
                {decl.options?.[entry]?.[ctx.locale] ?? entry}
              </option>
            ))}
          </select>
          <Problems list={problems} />
        </div>
      );
    case 'group': {
      const obj = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
      if (field.optional && obj === undefined) {
        return (
          <button type="button" className="add" onClick={() => ctx.onChange(path, emptyValue(schema, decl))}>
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
          <ObjectFields shape={field.shape ?? {}} fields={decl.fields ?? {}} value={obj ?? {}} path={path} ctx={ctx} />
        </fieldset>
      );
    }
    case 'map': {
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
    case 'list': {
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
                  <ObjectFields
                    shape={describe(element).shape ?? {}}
                    fields={decl.fields ?? {}}
                    value={(item ?? {}) as Record<string, unknown>}
                    path={[...path, i]}
                    ctx={ctx}
                  />
                ) : (
                  <Field schema={element} decl={{ ...decl, widget: 'text' }} value={item} path={[...path, i]} ctx={ctx} />
                )}
                <button
                  type="button"
                  className="remove"
                  aria-label={t('builder.removeItem', { n: i + 1 })}
                  onClick={() =>
                    ctx.onChange(
                      path,
                      list.filter((_, j) => j !== i),
                    )
                  }
                >
                  ×
                </button>
              </div>
            ))}
          {element && (
            <button type="button" className="add" onClick={() => ctx.onChange(path, [...list, emptyValue(element, decl)])}>
              + {t('builder.addItem', { field: label })}
            </button>
          )}
          <Problems list={problems} />
        </fieldset>
      );
    }
    case 'yaml':
      return <AnyField value={value} path={path} ctx={ctx} label={label} />;
  }
}

// A field its siblings make meaningless is not asked for; one that still holds a value stays, so it can be cleared.
const unused = (decl: FieldMeta, value: Record<string, unknown>, key: string): boolean =>
  decl.unusedWhen !== undefined && decl.unusedWhen.values.includes(String(value[decl.unusedWhen.key])) && (value[key] === undefined || value[key] === '');

/** The fields of a block, a group or a list item, in the order their declaration gives; ports are left to the canvas. */
export function ObjectFields({
  shape,
  fields,
  value,
  path,
  ctx,
}: {
  shape: Readonly<Record<string, Schema>>;
  fields: Readonly<Record<string, FieldDecl>>;
  value: Record<string, unknown>;
  path: Path;
  ctx: FormContext;
}) {
  return (
    <>
      {Object.entries(fields).map(([key, decl]) => {
        const schema = shape[key];
        if (decl === PORT || schema === undefined || unused(decl, value, key)) return null;
        return <Field key={key} schema={schema} decl={decl} value={value[key]} path={[...path, key]} ctx={ctx} />;
      })}
    </>
  );
}
