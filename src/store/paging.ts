/** Which slice of a newest-first list to return. */
export interface Page {
  readonly limit?: number;
  readonly offset?: number;
}

/** The page's limit and offset, with the list's own default limit when none was asked for. */
export function pageOf(page: Page, defaultLimit: number): { limit: number; offset: number } {
  return { limit: page.limit ?? defaultLimit, offset: page.offset ?? 0 };
}
