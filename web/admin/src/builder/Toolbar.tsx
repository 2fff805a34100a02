import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from '../Link.tsx';

export type Panel = 'preview' | 'versions' | null;

export interface ToolbarProps {
  readonly botId: string;
  readonly errorCount: number;
  readonly panel: Panel;
  readonly onPanel: (panel: Panel) => void;
  /** A save or publish is on its way: their buttons wait. */
  readonly writing: boolean;
  readonly onSave: () => void;
  readonly onPublish: () => void;
  readonly onUndo: () => void;
  readonly onRedo: () => void;
  readonly onAutoLayout: () => void;
  readonly onImport: (file: File) => void;
  readonly onExport: () => void;
}

/** The builder's buttons: save, publish, undo and redo, layout, import and export, the side panels, the problem count. */
export function Toolbar(props: ToolbarProps) {
  const { t } = useTranslation();
  const fileInput = useRef<HTMLInputElement>(null);
  const { botId, panel } = props;
  const toggle = (which: Exclude<Panel, null>) => props.onPanel(panel === which ? null : which);
  return (
    <div className="toolbar" role="toolbar" aria-label={t('builder.toolbar')}>
      <strong className="bot-id">{botId}</strong>
      <button type="button" disabled={props.writing} aria-busy={props.writing} onClick={props.onSave}>
        {t('builder.saveDraft')}
      </button>
      <button type="button" disabled={props.writing} aria-busy={props.writing} onClick={props.onPublish}>
        {t('builder.publish')}
      </button>
      <button type="button" onClick={props.onUndo} aria-keyshortcuts="Control+Z">
        {t('builder.undo')}
      </button>
      <button type="button" onClick={props.onRedo} aria-keyshortcuts="Control+Shift+Z">
        {t('builder.redo')}
      </button>
      <button type="button" onClick={props.onAutoLayout}>
        {t('builder.autoLayout')}
      </button>
      <button type="button" onClick={() => fileInput.current?.click()}>
        {t('builder.import')}
      </button>
      <input
        ref={fileInput}
        type="file"
        accept=".yaml,.yml,.json"
        hidden
        data-testid="import-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) props.onImport(file);
          e.target.value = '';
        }}
      />
      <button type="button" onClick={props.onExport}>
        {t('builder.export')}
      </button>
      <button type="button" aria-pressed={panel === 'versions'} onClick={() => toggle('versions')}>
        {t('builder.versions')}
      </button>
      <button type="button" aria-pressed={panel === 'preview'} onClick={() => toggle('preview')}>
        {t('builder.preview')}
      </button>
      <Link to={`/bots/${encodeURIComponent(botId)}/appearance`}>{t('appearance.link')}</Link>
      <Link to={`/bots/${encodeURIComponent(botId)}/analytics`}>{t('builder.analytics')}</Link>
      <span className="problem-count" data-errors={props.errorCount}>
        {t('builder.problemCount', { count: props.errorCount })}
      </span>
    </div>
  );
}
