import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { HEX_COLOUR } from '../../../../src/appearance/schema.ts';
import type { ProblemView } from '../api.ts';
import { AvatarField } from './AvatarField.tsx';
import { ContrastCheck } from './ContrastCheck.tsx';
import type { AppearanceForm } from './form-state.ts';

type Set = <K extends keyof AppearanceForm>(key: K, value: AppearanceForm[K]) => void;

/** The problems of one `appearance.…` field, under it. */
function Problems({ problems, field }: { problems: readonly ProblemView[]; field: string }) {
  const mine = problems.filter((p) => p.field === `appearance.${field}` || p.field?.startsWith(`appearance.${field}.`));
  if (mine.length === 0) return null;
  return (
    <ul className="field-problems">
      {mine.map((p, i) => (
        <li key={i}>{p.message}</li>
      ))}
    </ul>
  );
}

function TextField(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  type?: 'text' | 'number';
  min?: number;
  max?: number;
  maxLength?: number;
  hint?: ReactNode;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type={props.type ?? 'text'}
        value={props.value}
        min={props.min}
        max={props.max}
        maxLength={props.maxLength}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.hint}
    </div>
  );
}

/** Every setting of the widget's look and behaviour, in the admin's language. */
export function AppearanceFields({ form, set, problems }: { form: AppearanceForm; set: Set; problems: readonly ProblemView[] }) {
  const { t } = useTranslation();
  const accentId = useId();
  const positionId = useId();
  const pathsId = useId();
  return (
    <div className="appearance-fields">
      <fieldset>
        <legend>{t('appearance.look')}</legend>
        <fieldset className="choice-row">
          <legend>{t('appearance.theme')}</legend>
          {(['light', 'dark'] as const).map((theme) => (
            <label key={theme} className="check">
              <input type="radio" name="theme" value={theme} checked={form.theme === theme} onChange={() => set('theme', theme)} />
              {t(`appearance.${theme}`)}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={accentId}>{t('appearance.accent')}</label>
          <div className="colour-row">
            <input
              type="color"
              aria-label={t('appearance.accentPicker')}
              value={HEX_COLOUR.test(form.accent) ? form.accent.toLowerCase() : '#000000'}
              onChange={(e) => set('accent', e.target.value)}
            />
            <input id={accentId} value={form.accent} onChange={(e) => set('accent', e.target.value)} maxLength={7} spellCheck={false} />
          </div>
          <Problems problems={problems} field="accent" />
          <ContrastCheck accent={form.accent} theme={form.theme} />
        </div>
        <TextField label={t('appearance.chatTitle')} value={form.title} onChange={(v) => set('title', v)} maxLength={60} />
        <Problems problems={problems} field="title" />
        <TextField label={t('appearance.subtitle')} value={form.subtitle} onChange={(v) => set('subtitle', v)} maxLength={120} />
        <Problems problems={problems} field="subtitle" />
      </fieldset>

      <AvatarField value={form.avatar} onChange={(id) => set('avatar', id)} />
      <Problems problems={problems} field="avatar" />

      <fieldset>
        <legend>{t('appearance.greeting')}</legend>
        <TextField label={t('appearance.greetingText')} value={form.greetingText} onChange={(v) => set('greetingText', v)} maxLength={200} />
        <TextField
          label={t('appearance.greetingDelay')}
          type="number"
          min={0}
          max={3600}
          value={form.greetingDelay}
          onChange={(v) => set('greetingDelay', v)}
        />
        <Problems problems={problems} field="greeting" />
      </fieldset>

      <fieldset>
        <legend>{t('appearance.launcher')}</legend>
        <div className="field">
          <label htmlFor={positionId}>{t('appearance.position')}</label>
          <select id={positionId} value={form.position} onChange={(e) => set('position', e.target.value as AppearanceForm['position'])}>
            <option value="right">{t('appearance.right')}</option>
            <option value="left">{t('appearance.left')}</option>
          </select>
        </div>
        <TextField label={t('appearance.offsetX')} type="number" min={0} max={400} value={form.offsetX} onChange={(v) => set('offsetX', v)} />
        <TextField label={t('appearance.offsetY')} type="number" min={0} max={400} value={form.offsetY} onChange={(v) => set('offsetY', v)} />
        <Problems problems={problems} field="launcher" />
      </fieldset>

      <fieldset>
        <legend>{t('appearance.proactive')}</legend>
        <label className="check">
          <input type="checkbox" checked={form.proactive} onChange={(e) => set('proactive', e.target.checked)} />
          {t('appearance.proactiveOn')}
        </label>
        {form.proactive && (
          <>
            <TextField
              label={t('appearance.proactiveDelay')}
              type="number"
              min={0}
              max={3600}
              value={form.proactiveDelay}
              onChange={(v) => set('proactiveDelay', v)}
            />
            <div className="field">
              <label htmlFor={pathsId}>{t('appearance.proactivePaths')}</label>
              <textarea id={pathsId} rows={3} value={form.proactivePaths} onChange={(e) => set('proactivePaths', e.target.value)} spellCheck={false} />
            </div>
          </>
        )}
        <Problems problems={problems} field="proactive" />
      </fieldset>
    </div>
  );
}
