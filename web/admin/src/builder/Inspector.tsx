import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProblemView } from '../api.ts';
import { describe } from '../../../../src/blocks/zod-shape.ts';
import { useLocale } from '../locale.ts';
import type { PickVariable } from './analysis.ts';
import { BLOCKS, roleOf } from './blocks.ts';
import { getAt, portsOf, portText, type BlockNode, type Doc } from './graph.ts';
import { ObjectFields, type FormContext } from './SchemaForm.tsx';
import type { Directory } from './use-directory.ts';

export interface InspectorProps {
  readonly doc: Doc;
  readonly node: BlockNode;
  readonly problems: readonly ProblemView[];
  readonly variables: readonly PickVariable[];
  readonly directory: Directory;
  /** The values a choice's options may save, when its variable feeds a field with known values. */
  readonly optionValues?: readonly { value: string; label: string }[];
  readonly onField: (path: readonly (string | number)[], value: unknown) => void;
  readonly onRename: (to: string) => boolean;
  readonly onConnect: (port: string, target: string | null) => void;
  readonly onAdvanced: (port: string, on: boolean) => void;
  readonly onStart: () => void;
  readonly onDelete: () => void;
  readonly onDuplicate: () => void;
}

const BLOCK_ID = /^[A-Za-z0-9_-]+$/;

/** The form of the selected block: its fields and ports as its type declares them, its connections, its error ports. */
export function Inspector(props: InspectorProps) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { node, doc } = props;
  const { block, advanced } = node.data;
  const [id, setId] = useState(node.id);
  useEffect(() => setId(node.id), [node.id]);
  const definition = BLOCKS[block.type];
  const role = roleOf(block.type);
  const shape = describe(definition.schema).shape ?? {};
  const ctx: FormContext = {
    locale,
    problems: props.problems,
    variables: props.variables,
    choices: props.directory.choices,
    onChange: props.onField,
    optionValues: props.optionValues,
  };
  const specific = definition.ports(block).filter((p) => p.advanced);
  const blockProblems = props.problems.filter((p) => p.field === null || p.field === 'type');
  const portProblems = (port: string) => props.problems.filter((p) => p.field === port);

  return (
    <aside className="inspector" aria-label={t('builder.inspector')}>
      <h2>{definition.label[locale]}</h2>
      <div className="field">
        <label htmlFor="block-id">{t('builder.blockId')}</label>
        <input
          id="block-id"
          value={id}
          onChange={(e) => setId(e.target.value)}
          onBlur={() => {
            if (id !== node.id && (!BLOCK_ID.test(id) || !props.onRename(id))) setId(node.id);
          }}
        />
      </div>
      {blockProblems.map((p, i) => (
        <p key={i} className="error" role="alert">
          {p.message}
        </p>
      ))}
      <ObjectFields shape={shape} fields={definition.fields} value={block} path={[]} ctx={ctx} />

      <fieldset className="connections">
        <legend>{t('builder.connections')}</legend>
        {portsOf(block, advanced).map((port) => {
          const target = getAt(block, port.id);
          const edge = doc.edges.find((e) => e.source === node.id && e.sourceHandle === port.id);
          const current = edge?.target ?? (typeof target === 'string' ? target : '');
          const problems = portProblems(port.id);
          return (
            <div key={port.id} className={`field${problems.length > 0 ? ' invalid' : ''}`}>
              <label htmlFor={`port-${port.id}`}>{portText(port, locale)}</label>
              <select id={`port-${port.id}`} value={current} onChange={(e) => props.onConnect(port.id, e.target.value || null)}>
                <option value="">{t('builder.notConnected')}</option>
                {doc.nodes
                  .filter((n) => n.id !== node.id)
                  .map((n) => (
                    <option key={n.id} value={n.id}>
                      {n.id}
                    </option>
                  ))}
              </select>
              {problems.map((p, i) => (
                <span key={i} className="error">
                  {p.message}
                </span>
              ))}
            </div>
          );
        })}
      </fieldset>

      {specific.length > 0 && (
        <fieldset className="advanced">
          <legend>{t('builder.advanced')}</legend>
          {specific.map((port) => (
            <label key={port.name} className="check">
              <input type="checkbox" checked={advanced.includes(port.name)} onChange={(e) => props.onAdvanced(port.name, e.target.checked)} />
              {port.label[locale]}
            </label>
          ))}
          <p className="hint">{t('builder.advancedHint')}</p>
        </fieldset>
      )}
      {role !== null && <p className="hint">{t('builder.roleHint', { role })}</p>}
      {role !== null && role !== 'webhook' && props.directory.notes[role] && <p className="hint">{props.directory.notes[role]}</p>}
      {role !== null && role !== 'webhook' && (
        <button type="button" onClick={props.directory.refresh}>
          {t('builder.refreshValues')}
        </button>
      )}

      <div className="actions">
        <button type="button" onClick={props.onStart} disabled={doc.meta.start === node.id}>
          {t('builder.setStart')}
        </button>
        <button type="button" onClick={props.onDuplicate}>
          {t('builder.duplicate')}
        </button>
        <button type="button" className="danger" onClick={props.onDelete}>
          {t('builder.deleteBlock')}
        </button>
      </div>
    </aside>
  );
}
