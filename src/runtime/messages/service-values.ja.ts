import type { ServiceValueCatalog } from '../service-values.ts';

const offered = (values: readonly string[]): string => (values.length === 0 ? '値がありません' : values.map((v) => `"${v}"`).join('、'));

export const ja: ServiceValueCatalog = (p) =>
  p.kind === 'unknown'
    ? `"${p.value}" は ${p.role} のサービス (${p.provider}) にない値です${p.suggestion === null ? '' : `（"${p.suggestion}" のことですか?）`}。使える値: ${offered(p.offered)}`
    : `"${p.value}" を確認できませんでした。${p.role} のサービス (${p.provider}) に問い合わせできません (${p.reason})。公開はしました。ブロックが動く前に値を確かめてください`;
