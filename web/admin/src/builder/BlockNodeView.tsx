import { Handle, Position, type NodeProps } from '@xyflow/react';
import { useContext } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocale } from '../locale.ts';
import { BLOCKS, categoryOf, roleOf } from './blocks.ts';
import { CanvasContext } from './context.ts';
import { summaryOf } from './summary.ts';
import { portsOf, portText, type BlockNode } from './graph.ts';

/** A block on the canvas: one target handle, one source handle per port. */
export function BlockNodeView({ id, data, selected }: NodeProps<BlockNode>) {
  const { t } = useTranslation();
  const locale = useLocale();
  const info = useContext(CanvasContext);
  const { block, advanced } = data;
  const problems = info.problems.get(id) ?? [];
  const errors = problems.filter((p) => p.severity === 'error');
  const role = roleOf(block.type);
  const provider = role === null ? null : role === 'webhook' ? 'HTTP' : (info.providers[role] ?? t('builder.notConfigured'));
  // In integration blocks `name` is an input (the visitor's name), not a label.
  const label = role === null && typeof block['name'] === 'string' ? block['name'] : '';
  const title = label !== '' ? label : id;
  const summary = summaryOf(block, locale);
  const classes = ['block-node', `cat-${categoryOf(block.type)}`];
  if (selected) classes.push('selected');
  if (errors.length > 0) classes.push('has-errors');
  if (info.path.has(id)) classes.push('on-path');
  return (
    <div className={classes.join(' ')} data-block={id} data-on-path={info.path.has(id) ? 'true' : undefined}>
      <Handle type="target" position={Position.Left} />
      <div className="block-head">
        <span className="block-type">{BLOCKS[block.type].label[locale]}</span>
        {info.start === id && <span className="badge">{t('builder.start')}</span>}
        {provider && <span className="badge provider">{provider}</span>}
      </div>
      <div className="block-title">{title}</div>
      {summary.length > 0 && (
        <div className="block-summary">
          {summary.map((line, i) => (
            <p key={i} className={line.long ? 'says' : undefined}>
              {line.label !== null && <span className="what">{line.label}: </span>}
              {line.text}
            </p>
          ))}
        </div>
      )}
      {errors.length > 0 && (
        <div className="block-errors" title={errors.map((p) => p.message).join('\n')}>
          {t('builder.errorCount', { count: errors.length })}
        </div>
      )}
      <ul className="ports">
        {portsOf(block, advanced).map((port) => (
          <li key={port.id} className="port">
            <span>{portText(port, locale)}</span>
            <Handle type="source" position={Position.Right} id={port.id} />
          </li>
        ))}
      </ul>
    </div>
  );
}
