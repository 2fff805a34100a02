import { createContext } from 'react';
import type { ProblemView } from '../api.ts';

/** What every node on the canvas may show besides its own block. */
export interface CanvasInfo {
  readonly start: string | undefined;
  readonly problems: ReadonlyMap<string, readonly ProblemView[]>;
  /** Provider per role (`builtin`, `zoho`), from the integrations API. */
  readonly providers: Readonly<Record<string, string>>;
  /** Blocks the preview went through. */
  readonly path: ReadonlySet<string>;
}

export const CanvasContext = createContext<CanvasInfo>({ start: undefined, problems: new Map(), providers: {}, path: new Set() });
