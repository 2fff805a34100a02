import { contrast, CONTROL_CONTRAST, ratioText, THEME_COLOURS } from '../appearance/contrast.ts';
import { appearanceSchema } from '../appearance/schema.ts';
import { finding, type Finding } from './zod-issues.ts';

/**
 * What the schema cannot say about a valid `appearance`: an accent that barely shows on the
 * panel's background. The widget stays readable (it falls back to the text colour), so this is a
 * warning that the brand colour will not be used there.
 */
export function appearanceFindings(raw: unknown): Finding[] {
  const parsed = appearanceSchema.safeParse(raw);
  if (!parsed.success || parsed.data.accent === undefined) return [];
  const theme = parsed.data.theme ?? 'light';
  const ratio = contrast(parsed.data.accent, THEME_COLOURS[theme].background);
  if (ratio >= CONTROL_CONTRAST) return [];
  return [finding('low_contrast', { colour: parsed.data.accent, ratio: ratioText(ratio), theme }, ['appearance', 'accent'])];
}
