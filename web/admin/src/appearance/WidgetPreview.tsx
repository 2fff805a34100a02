import type { i18n } from 'i18next';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Appearance } from '../../../../src/appearance/schema.ts';
import { HEX_COLOUR } from '../../../../src/appearance/schema.ts';
import { widgetAppearance } from '../../../../src/appearance/settings.ts';
import { createI18n, type WidgetLocale } from '../../../widget/src/i18n.ts';
import { ChatView } from '../../../widget/src/view.ts';

/** A made-up exchange in each language, so the preview shows every kind of bubble and the option buttons. */
const SAMPLE: Readonly<Record<WidgetLocale, { hello: string; visitor: string; ask: string; options: readonly [string, string] }>> = {
  en: { hello: 'Hello! How can we help?', visitor: 'Where is my order?', ask: 'Which order is it about?', options: ['Order 1042', 'Something else'] },
  ja: {
    hello: 'こんにちは！ご用件を伺います。',
    visitor: '注文した商品がまだ届きません。',
    ask: 'どのご注文についてですか？',
    options: ['注文 1042', 'その他'],
  },
};

/**
 * The real widget view (the same code sites run), drawn with the form's appearance inside a
 * frame that stands for a page: its launcher, greeting and chat window sit in the frame's corner.
 * Its buttons work on the sample; nothing is sent.
 */
interface Preview {
  readonly view: ChatView;
  readonly i18n: i18n;
  /** Shown beside the launcher while the chat is closed. */
  greeting: string | null;
}

export function WidgetPreview({ appearance, locale }: { appearance: Appearance | undefined; locale: WidgetLocale }) {
  const { t } = useTranslation();
  const frame = useRef<HTMLDivElement>(null);
  const preview = useRef<Preview | null>(null);
  const [language, setLanguage] = useState<WidgetLocale>(locale);
  const languageId = useId();
  // A half-typed colour is not drawn: the last default stands in until it is one.
  const accent = appearance?.accent !== undefined && HEX_COLOUR.test(appearance.accent) ? appearance.accent : undefined;
  const look = widgetAppearance(appearance && { ...appearance, accent });

  useEffect(() => setLanguage(locale), [locale]);

  // The view owns a shadow root, so it is made on mount and dropped on unmount (React may do both twice in development).
  useEffect(() => {
    const host = document.createElement('div');
    frame.current!.append(host);
    const i18n = createI18n(locale);
    const state: { current: Preview | null } = { current: null };
    const view = new ChatView(
      host,
      i18n,
      {
        onOpenChange: (open) => {
          view.setOpen(open, true);
          if (!open) view.setGreeting(state.current?.greeting ?? null);
        },
        onDismissGreeting: () => undefined,
        onSend: (text) => view.addVisitor(text),
        onChoice: (option) => view.addVisitor(option.label),
        onRestart: () => undefined,
      },
      'bubble',
    );
    state.current = { view, i18n, greeting: null };
    preview.current = state.current;
    return () => {
      host.remove();
      preview.current = null;
    };
    // Made once; the language and the look are applied by the effects below.
  }, []);

  useEffect(() => {
    const current = preview.current;
    if (!current) return;
    void current.i18n.changeLanguage(language).then(() => {
      const sample = SAMPLE[language];
      current.view.clearLog();
      current.view.addBot({ text: sample.hello });
      current.view.addVisitor(sample.visitor);
      current.view.addBot({ text: sample.ask });
      current.view.setComposer({
        state: 'input',
        input: { blockId: 'preview', kind: 'choice', options: sample.options.map((label) => ({ label, value: label })) },
      });
      current.view.relabel();
      if (!current.view.isOpen) current.view.setOpen(true, false);
    });
  }, [language]);

  // Every render: the look follows the form as it is typed.
  useEffect(() => {
    const current = preview.current;
    if (!current) return;
    current.greeting = look.greeting?.text ?? null;
    current.view.setAppearance(look, location.origin);
    current.view.setGreeting(current.view.isOpen ? null : current.greeting);
  });

  return (
    <section className="widget-preview-panel" aria-labelledby={`${languageId}-heading`}>
      <h2 id={`${languageId}-heading`}>{t('appearance.preview')}</h2>
      <div className="field inline-field">
        <label htmlFor={languageId}>{t('appearance.previewLanguage')}</label>
        <select id={languageId} value={language} onChange={(e) => setLanguage(e.target.value as WidgetLocale)}>
          <option value="en">English</option>
          <option value="ja">日本語</option>
        </select>
      </div>
      <p className="hint">{t('appearance.previewHint')}</p>
      <div ref={frame} className={`widget-preview ${look.theme}`} data-testid="widget-preview" />
    </section>
  );
}
