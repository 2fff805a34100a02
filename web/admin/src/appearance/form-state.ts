import type { Appearance } from '../../../../src/appearance/schema.ts';
import { APPEARANCE_DEFAULTS } from '../../../../src/appearance/settings.ts';

/** The appearance page's fields as the inputs hold them (text for numbers, so an empty field means "not set"). */
export interface AppearanceForm {
  readonly theme: 'light' | 'dark';
  readonly accent: string;
  readonly title: string;
  readonly subtitle: string;
  readonly avatar: string;
  readonly greetingText: string;
  readonly greetingDelay: string;
  readonly position: 'right' | 'left';
  readonly offsetX: string;
  readonly offsetY: string;
  readonly proactive: boolean;
  readonly proactiveDelay: string;
  /** One pattern per line. */
  readonly proactivePaths: string;
}

export function formOf(a: Appearance | undefined): AppearanceForm {
  return {
    theme: a?.theme ?? APPEARANCE_DEFAULTS.theme,
    accent: a?.accent ?? APPEARANCE_DEFAULTS.accent,
    title: a?.title ?? '',
    subtitle: a?.subtitle ?? '',
    avatar: a?.avatar ?? '',
    greetingText: a?.greeting?.text ?? '',
    greetingDelay: a?.greeting?.delay === undefined ? '' : String(a.greeting.delay),
    position: a?.launcher?.position ?? APPEARANCE_DEFAULTS.position,
    offsetX: a?.launcher?.offset === undefined ? '' : String(a.launcher.offset.x),
    offsetY: a?.launcher?.offset === undefined ? '' : String(a.launcher.offset.y),
    proactive: a?.proactive !== undefined,
    proactiveDelay: a?.proactive?.delay === undefined ? '' : String(a.proactive.delay),
    proactivePaths: (a?.proactive?.paths ?? []).join('\n'),
  };
}

/** A number field: its value, or undefined when empty. Not-a-number stays as typed, for the validator to name. */
const numberOf = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

/**
 * The `appearance:` mapping the form stands for, writing only what differs from the defaults, so
 * a bot file in git says what was chosen and nothing else. Undefined when nothing was.
 */
export function appearanceOf(form: AppearanceForm): Appearance | undefined {
  const out: Record<string, unknown> = {};
  if (form.theme !== APPEARANCE_DEFAULTS.theme) out['theme'] = form.theme;
  if (form.accent.toLowerCase() !== APPEARANCE_DEFAULTS.accent) out['accent'] = form.accent;
  if (form.title.trim() !== '') out['title'] = form.title.trim();
  if (form.subtitle.trim() !== '') out['subtitle'] = form.subtitle.trim();
  if (form.avatar !== '') out['avatar'] = form.avatar;
  if (form.greetingText.trim() !== '') {
    const delay = numberOf(form.greetingDelay);
    out['greeting'] = { text: form.greetingText.trim(), ...(delay === undefined ? {} : { delay }) };
  }
  const x = numberOf(form.offsetX);
  const y = numberOf(form.offsetY);
  const launcher: Record<string, unknown> = {};
  if (form.position !== APPEARANCE_DEFAULTS.position) launcher['position'] = form.position;
  if (x !== undefined || y !== undefined) launcher['offset'] = { x: x ?? APPEARANCE_DEFAULTS.offset.x, y: y ?? APPEARANCE_DEFAULTS.offset.y };
  if (Object.keys(launcher).length > 0) out['launcher'] = launcher;
  if (form.proactive) {
    const delay = numberOf(form.proactiveDelay);
    const paths = form.proactivePaths
      .split('\n')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    out['proactive'] = { ...(delay === undefined ? {} : { delay }), ...(paths.length > 0 ? { paths } : {}) };
  }
  // The validator reads what is written, whatever its types: a half-typed field is its problem to name.
  return Object.keys(out).length === 0 ? undefined : (out as Appearance);
}
