// The pager under a list page: shown only when there is more than one page (or a page past the end).
export interface Pager {
  page: number;
  pages: number;
  prev?: string | undefined;
  next?: string | undefined;
}

export function pager(page: number, pages: number, href: (page: number) => string): Pager | undefined {
  if (pages <= 1 && page <= 1) return undefined;
  return {
    page,
    pages,
    prev: page > 1 ? href(Math.min(page - 1, pages)) : undefined,
    next: page < pages ? href(page + 1) : undefined,
  };
}
