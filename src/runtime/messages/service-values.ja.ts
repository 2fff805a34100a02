import type { ServiceValueCatalog } from '../service-values.ts';

const offered = (values: readonly string[]): string => (values.length === 0 ? '値がありません' : values.map((v) => `"${v}"`).join('、'));

export const ja: ServiceValueCatalog = (p) =>
  p.kind === 'unknown_field'
    ? `CRM (${p.provider}) の ${p.object} に項目 "${p.name}" はありません${p.suggestion === null ? '' : `（"${p.suggestion}" のことですか?）`}。ブロックの実行時はこの項目を除いてレコードを保存します`
    : p.kind === 'read_only_field'
      ? `CRM (${p.provider}) の ${p.object} の項目 "${p.name}"${p.field === p.name ? '' : `（${p.field}）`}は読み取り専用または計算項目のため、値を書き込めません。ブロックの実行時はこの項目を除いてレコードを保存します`
      : p.kind === 'unknown'
        ? `"${p.value}" は ${p.role} のサービス (${p.provider}) にない値です${p.suggestion === null ? '' : `（"${p.suggestion}" のことですか?）`}。使える値: ${offered(p.offered)}`
        : `"${p.value}" を確認できませんでした。${p.role} のサービス (${p.provider}) に問い合わせできません (${p.reason})。公開はしました。ブロックが動く前に値を確かめてください`;
