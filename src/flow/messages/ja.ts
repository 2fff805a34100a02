import type { Catalog } from '../problem.ts';

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'テキスト',
  number: '数値',
  int: '整数',
  boolean: 'true または false',
  object: 'マッピング',
  record: 'マッピング',
  array: 'リスト',
  null: 'null',
  undefined: '値なし',
  empty: '空',
};
const FORMATS: Readonly<Record<string, string>> = { url: 'URL（http または https）', email: 'メールアドレス', uuid: 'UUID', datetime: '日時', date: '日付' };
const typeName = (t: string): string => TYPE_NAMES[t] ?? t;
const list = (items: readonly string[]): string => items.join('、');
const didYouMean = (s: string | null): string => (s === null ? '' : `（"${s}" の誤りですか？）`);

export const ja: Catalog = {
  problems: {
    file_unreadable: (p) => `ファイルを読み込めません: ${p.reason}`,
    yaml_syntax: (p) => `YAML の構文エラー: ${p.detail}`,
    yaml_warning: (p) => p.detail,
    too_large: (p) => `YAML のエイリアス（*name）を展開するとボットが ${p.limit.toLocaleString('ja')} 文字を超えます。エイリアスでの繰り返しを減らしてください`,
    duplicate_key: (p) => `キー "${p.key}" が重複しています。各キーは一度だけ書けます`,
    not_a_mapping: (p) => `ボットファイルは renkei、id、name、locale、start、blocks を持つマッピングでなければなりません（これは${typeName(p.received)}です）`,
    unknown_key: (p) => `不明なキー "${p.key}"${didYouMean(p.suggestion)}${p.suggestion === null ? `。使えるキー: ${list(p.allowed)}` : ''}`,
    missing_key: (p) => `必須のキー "${p.key}" がありません`,
    invalid_type: (p) => `${p.expected.map(typeName).join(' または ')}が必要ですが、${typeName(p.received)}です`,
    invalid_option: (p) => `${p.value} は使えません${didYouMean(p.suggestion)}。次のいずれか: ${list(p.allowed)}`,
    invalid_variable: (p) =>
      `"${p.value}" は変数名ではありません。visitor.name、visitor.email、visitor.phone、visitor.company、または a-z・0-9・_ のボット変数を使ってください`,
    invalid_value: (p) => p.detail,
    missing_block_type: (p) => `ブロックの "type" がありません。次のいずれか: ${list(p.types)}`,
    unknown_block_type: (p) => `不明なブロックタイプ "${p.type}"${didYouMean(p.suggestion)}。ブロックタイプ: ${list(p.types)}`,
    unknown_target: (p) => `このボットにブロック "${p.target}" はありません${didYouMean(p.suggestion)}`,
    missing_port: (p) => `${p.port} ポートがありません。連携ブロックには success と failure が必要です（${p.type} のポート: ${list(p.ports)}）`,
    unknown_port: (p) => `${p.type} にポート "${p.port}" はありません。ポート: ${list(p.ports)}`,
    unknown_output: (p) =>
      p.outputs.length === 0
        ? `${p.type} に出力 "${p.key}" はありません。保存できる出力はありません`
        : `${p.type} に出力 "${p.key}" はありません。出力: ${list(p.outputs)}`,
    undefined_variable: (p) =>
      p.setBy.length === 0
        ? `差し込み項目 %${p.variable}% の変数を設定するブロックがありません`
        : `差し込み項目 %${p.variable}% は、このブロックに至るどの経路でも設定されていません（設定するのは ${list(p.setBy)} だけです）`,
    unknown_visitor_field: (p) => `差し込み項目 %${p.variable}% は訪問者の項目ではありません。訪問者の項目: ${p.fields.map((f) => `visitor.${f}`).join('、')}`,
    not_single_merge_field: (p) => `${p.key} は %visitor.${p.key}% のような差し込み項目ひとつだけにしてください（"${p.text}" は不可）`,
    invalid_bot_id: (p) => `${p.value} はボット ID に使えません。小文字の英字・数字・ハイフン（-）だけにしてください（例: toiawase-2）`,
    empty_value: (p) => `${p.key} が空です。値を入力してください`,
    out_of_range: (p) =>
      p.origin === 'string' || p.origin === 'array'
        ? `${p.limit} ${p.origin === 'string' ? '文字' : '個'}${p.bound === 'min' ? '以上' : '以下'}にしてください`
        : `${p.limit} ${p.bound === 'min' ? (p.inclusive ? '以上' : 'より大きい値') : p.inclusive ? '以下' : '未満の値'}にしてください`,
    invalid_format: (p) => `${p.value} は正しい${FORMATS[p.format] ?? p.format}ではありません`,
    empty_text: (p) => `${p.key} が空です。訪問者には何も表示されません。文を入力してください`,
    choice_value_unknown: (p) =>
      `選択肢 ${p.option} は "${p.value}" を ${p.variable} に保存しますが、ブロック "${p.target}" はこれを ${p.field} として送ります。使える値は ${list(p.allowed)} だけです${didYouMean(p.suggestion)}`,
    duplicate_option_value: (p) => `選択肢の値 "${p.value}" は選択肢 ${p.first} と重複しています。値は一意にしてください`,
    unreachable_block: (p) => `到達できないブロックです。開始ブロック "${p.start}" からの経路がありません`,
    low_contrast: (p) =>
      `アクセントカラー ${p.colour} は ${p.theme} テーマの背景とのコントラストが ${p.ratio} しかありません（操作部品には 3:1 が必要です）。リンクと選択肢ボタンには文字色を使います`,
  },
  block: (id) => `ブロック "${id}"`,
  field: (path) => `フィールド "${path}"`,
  warning: '警告',
};
