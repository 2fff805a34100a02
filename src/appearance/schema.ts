import { z } from 'zod';

/*
 * How a bot's widget looks and behaves on a customer's site: the `appearance:` key of the bot
 * file. It lives in the file (not beside it) so that a bot kept in git carries its look through
 * review, rollback and promotion like the rest of it; the avatar is an image stored in Renkei,
 * named by the first 32 hex digits of its SHA-256 (the same picture gets the same id everywhere).
 */

export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export const LAUNCHER_POSITIONS = ['right', 'left'] as const;
export type LauncherPosition = (typeof LAUNCHER_POSITIONS)[number];

/** `#rrggbb`; the widget computes every other colour from it and the theme. */
export const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;
/** An image's id: its content's SHA-256, first 32 hex digits. */
export const IMAGE_ID = /^[0-9a-f]{32}$/;
/** A page path with `*` as "any characters"; matched against the whole `location.pathname`. */
export const PATH_PATTERN = /^\/\S*$/;

const seconds = z.int().min(0).max(3600);
const pixels = z.int().min(0).max(400);

export const appearanceSchema = z.strictObject({
  theme: z.enum(THEMES).optional(),
  accent: z.string().regex(HEX_COLOUR, 'must be a colour written #rrggbb, e.g. "#0b57d0"').optional(),
  title: z.string().min(1).max(60).optional(),
  subtitle: z.string().min(1).max(120).optional(),
  avatar: z.string().regex(IMAGE_ID, 'must be the id of an uploaded image: 32 hex digits').optional(),
  greeting: z
    .strictObject({
      text: z.string().min(1).max(200),
      delay: seconds.optional(),
    })
    .optional(),
  launcher: z
    .strictObject({
      position: z.enum(LAUNCHER_POSITIONS).optional(),
      offset: z.strictObject({ x: pixels, y: pixels }).optional(),
    })
    .optional(),
  proactive: z
    .strictObject({
      delay: seconds.optional(),
      paths: z.array(z.string().max(200).regex(PATH_PATTERN, 'must be a path starting with /, e.g. "/pricing*"')).min(1).max(50).optional(),
    })
    .optional(),
});

export type Appearance = z.output<typeof appearanceSchema>;
