import type { i18n } from 'i18next';
import { accentOn, textOn } from '../../../src/appearance/contrast.ts';
import type { WidgetAppearance } from '../../../src/appearance/settings.ts';
import type { ChoiceOption, InputRequest } from '../../../src/vocabulary/input-request.ts';
import type { Message } from '../../../src/vocabulary/message.ts';
import type { EmbedMode } from './config.ts';
import { el, safeUrl } from './dom.ts';
import { inputHint } from './input-hints.ts';
import { CSS } from './styles.ts';

export interface ViewHandlers {
  onOpenChange(open: boolean): void;
  /** The visitor closed the greeting bubble. */
  onDismissGreeting(): void;
  onSend(text: string): void;
  /** The visitor typed in the answer box (to tell a person of the team). */
  onTyping?(): void;
  onChoice(option: ChoiceOption): void;
  onRestart(): void;
}

export type Composer =
  /** The bot waits for this answer. */
  | { readonly state: 'input'; readonly input: InputRequest }
  /** Nothing to answer now (starting, sending, an integration running). */
  | { readonly state: 'wait' }
  /** A person of the team has (or will have) the conversation: free text, sent as it is typed. */
  | { readonly state: 'live' }
  | { readonly state: 'over'; readonly reason: 'ended' | 'handoff' };

export interface Notice {
  readonly text: string;
  readonly action?: { readonly label: string; readonly run: () => void };
}

const CHAT_ICON =
  'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z';

/**
 * The widget's DOM, inside an open shadow root on `host`. It knows nothing of the API: the
 * controller tells it what to show, and it reports what the visitor does. A bubble has a launcher
 * and a panel that opens over the page; inline, the panel is always there, inside the host.
 */
export class ChatView {
  private readonly i18n: i18n;
  private readonly handlers: ViewHandlers;
  private readonly root: HTMLElement;
  private readonly launcher: HTMLButtonElement;
  private readonly greeting: HTMLElement;
  private readonly greetingText: HTMLButtonElement;
  private readonly dismissButton: HTMLButtonElement;
  private readonly panel: HTMLElement;
  private readonly header: HTMLElement;
  private readonly title: HTMLHeadingElement;
  private readonly subtitle: HTMLParagraphElement;
  private readonly closeButton: HTMLButtonElement;
  private readonly log: HTMLElement;
  private readonly typing: HTMLElement;
  private readonly typingText: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly choices: HTMLElement;
  private readonly ended: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly label: HTMLLabelElement;
  private readonly input: HTMLInputElement;
  private readonly send: HTMLButtonElement;
  private composer: Composer = { state: 'wait' };
  private currentNotice: Notice | null = null;
  /** The bot's own title; null: the widget's word for chat. */
  private titleText: string | null = null;
  readonly inline: boolean;

  constructor(host: HTMLElement, i18n: i18n, handlers: ViewHandlers, mode: EmbedMode) {
    this.i18n = i18n;
    this.handlers = handlers;
    this.inline = mode === 'inline';
    host.classList.toggle('inline', this.inline);
    const shadow = host.attachShadow({ mode: 'open' });
    const root = el('div', { class: this.inline ? 'root inline' : 'root' });
    this.root = root;

    this.launcher = el('button', { type: 'button', class: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'panel' });
    this.launcher.append(icon());
    // Inline, the chat is a region of the page; as a bubble, a dialog over it (not modal: the page stays usable).
    this.panel = el('section', { id: 'panel', class: 'panel', 'aria-labelledby': 'title', ...(this.inline ? {} : { role: 'dialog' }) });
    this.panel.hidden = !this.inline;

    this.greeting = el('div', { class: 'greeting' });
    this.greetingText = el('button', { type: 'button', class: 'say' });
    this.dismissButton = el('button', { type: 'button', class: 'dismiss' }, '×');
    this.greeting.append(this.greetingText, this.dismissButton);
    this.greeting.hidden = true;

    const header = el('div', { class: 'header' });
    this.header = header;
    const heading = el('div', { class: 'heading' });
    this.title = el('h2', { id: 'title', class: 'title' });
    this.subtitle = el('p', { class: 'subtitle' });
    this.subtitle.hidden = true;
    heading.append(this.title, this.subtitle);
    this.closeButton = el('button', { type: 'button', class: 'close' }, '×');
    this.closeButton.hidden = this.inline;
    header.append(heading, this.closeButton);

    this.log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions' });
    this.typing = el('div', { class: 'typing', role: 'status' });
    const dots = el('span', { class: 'dots', 'aria-hidden': 'true' });
    dots.append(el('i'), el('i'), el('i'));
    this.typingText = el('span');
    this.typing.append(dots, this.typingText);
    this.typing.hidden = true;
    this.notice = el('div', { class: 'notice', role: 'alert' });
    this.notice.hidden = true;
    this.choices = el('div', { class: 'choices', role: 'group' });
    this.choices.hidden = true;
    this.ended = el('div', { class: 'ended' });
    this.ended.hidden = true;

    this.form = el('form', { class: 'composer', novalidate: '' });
    this.label = el('label', { for: 'answer', class: 'sr-only' });
    this.input = el('input', { id: 'answer', type: 'text', enterkeyhint: 'send' });
    this.send = el('button', { type: 'submit', class: 'send' });
    this.form.append(this.label, this.input, this.send);

    this.panel.append(header, this.log, this.typing, this.notice, this.choices, this.ended, this.form);
    root.append(...(this.inline ? [this.panel] : [this.greeting, this.launcher, this.panel]));
    shadow.append(...styleOf(shadow), root);

    this.launcher.addEventListener('click', () => this.handlers.onOpenChange(!this.isOpen));
    this.greetingText.addEventListener('click', () => this.handlers.onOpenChange(true));
    this.dismissButton.addEventListener('click', () => {
      this.setGreeting(null);
      this.launcher.focus();
      this.handlers.onDismissGreeting();
    });
    this.closeButton.addEventListener('click', () => this.handlers.onOpenChange(false));
    this.panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !this.inline) {
        event.stopPropagation();
        this.handlers.onOpenChange(false);
      }
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (text === '' || (this.composer.state !== 'input' && this.composer.state !== 'live')) return;
      this.input.value = '';
      this.handlers.onSend(text);
    });
    this.input.addEventListener('input', () => {
      if (this.composer.state === 'live') this.handlers.onTyping?.();
    });
    this.relabel();
  }

  get isOpen(): boolean {
    return this.panel.hidden === false;
  }

  /** Whether the visitor is in the chat (the focus is inside the panel). */
  get hasFocus(): boolean {
    return this.panel.contains(this.shadowFocus());
  }

  /** The bot's look: colours from the accent (text on it, and the accent on the panel only where legible), theme, corner, title, avatar. */
  setAppearance(appearance: WidgetAppearance, origin: string): void {
    const style = this.root.style;
    style.setProperty('--accent', appearance.accent);
    style.setProperty('--on-accent', textOn(appearance.accent));
    style.setProperty('--accent-fg', accentOn(appearance.accent, appearance.theme));
    style.setProperty('--x', `${appearance.offset.x}px`);
    style.setProperty('--y', `${appearance.offset.y}px`);
    this.root.classList.toggle('dark', appearance.theme === 'dark');
    this.root.classList.toggle('left', appearance.position === 'left');
    this.titleText = appearance.title;
    this.subtitle.textContent = appearance.subtitle ?? '';
    this.subtitle.hidden = appearance.subtitle === null;
    this.header.querySelector('img')?.remove();
    const avatar = appearance.avatar === null ? null : safeUrl(origin + appearance.avatar);
    if (avatar !== null) {
      // Decorative: the title beside it names the chat. A missing image shows nothing rather than a broken-image icon.
      const image = el('img', { class: 'avatar', alt: '', src: avatar });
      image.addEventListener('error', () => image.remove());
      this.header.prepend(image);
    }
    this.relabel();
  }

  /** The bubble beside the launcher (`null` hides it). */
  setGreeting(text: string | null): void {
    this.greetingText.textContent = text ?? '';
    this.greeting.hidden = text === null || this.isOpen;
  }

  /** Applies the current language to every fixed label (after the bot's locale becomes known). */
  relabel(): void {
    const t = this.i18n.t.bind(this.i18n);
    this.launcher.setAttribute('aria-label', t(this.isOpen ? 'close' : 'launcher'));
    this.title.textContent = this.titleText ?? t('title');
    this.dismissButton.setAttribute('aria-label', t('dismiss'));
    this.closeButton.setAttribute('aria-label', t('close'));
    this.log.setAttribute('aria-label', t('log'));
    this.typingText.textContent = t('typing');
    this.choices.setAttribute('aria-label', t('options'));
    this.label.textContent = t('answer');
    this.send.textContent = t('send');
    this.panel.lang = this.i18n.language;
    this.setComposer(this.composer);
    if (this.currentNotice) this.setNotice(this.currentNotice);
  }

  setOpen(open: boolean, moveFocus: boolean): void {
    if (this.inline) {
      if (open && moveFocus) this.focusAnswer();
      return;
    }
    this.panel.hidden = !open;
    if (open) this.greeting.hidden = true;
    this.launcher.setAttribute('aria-expanded', String(open));
    this.launcher.setAttribute('aria-label', this.i18n.t(open ? 'close' : 'launcher'));
    if (!moveFocus) return;
    if (open) this.focusAnswer();
    else this.launcher.focus();
  }

  clearLog(): void {
    this.log.replaceChildren();
  }

  addBot(message: Message): void {
    const bubble = el('p', { class: 'msg bot' });
    bubble.append(el('span', { class: 'sr-only' }, `${this.i18n.t('bot')} `), document.createTextNode(message.text));
    const image = message.image === undefined ? null : safeUrl(message.image);
    if (image !== null) bubble.append(el('img', { src: image, alt: '' }));
    const link = message.link === undefined ? null : safeUrl(message.link.url);
    if (link !== null && message.link !== undefined) {
      bubble.append(document.createElement('br'));
      bubble.append(el('a', { href: link, target: '_blank', rel: 'noopener noreferrer' }, message.link.label ?? message.link.url));
    }
    this.append(bubble);
  }

  /** A message from a person of the team who took the conversation over (their name above it). */
  addAgent(name: string, text: string): void {
    const bubble = el('p', { class: 'msg bot agent' });
    bubble.append(el('span', { class: 'who' }, name || this.i18n.t('agent')), el('span', { class: 'sr-only' }, ': '), document.createTextNode(text));
    this.append(bubble);
  }

  /** Returns the bubble, so a message that could not be sent can be taken back. */
  addVisitor(text: string): HTMLElement {
    const bubble = el('p', { class: 'msg visitor' });
    bubble.append(el('span', { class: 'sr-only' }, `${this.i18n.t('you')} `), document.createTextNode(text));
    this.append(bubble);
    return bubble;
  }

  /** Shows "typing…"; with a name, "<name> is typing…" (a person of the team). */
  setTyping(on: boolean, name?: string): void {
    this.typing.hidden = !on;
    this.typingText.textContent = name ? this.i18n.t('agentTyping', { name }) : this.i18n.t('typing');
    if (on) this.scrollToEnd();
  }

  /** A line about the conversation itself: who joined or left. */
  addNote(text: string): void {
    this.append(el('p', { class: 'msg note', role: 'status' }, text));
  }

  setNotice(notice: Notice | null): void {
    this.currentNotice = notice;
    this.notice.replaceChildren();
    this.notice.hidden = notice === null;
    if (notice === null) return;
    this.notice.append(el('span', {}, notice.text));
    if (notice.action) {
      const button = el('button', { type: 'button' }, notice.action.label);
      button.addEventListener('click', notice.action.run);
      this.notice.append(button);
    }
  }

  /** Restores text the visitor typed, after it could not be sent. */
  setDraft(text: string): void {
    this.input.value = text;
  }

  setComposer(composer: Composer): void {
    const hadFocus = this.panel.contains(this.shadowFocus());
    this.composer = composer;
    const t = this.i18n.t.bind(this.i18n);
    const input = composer.state === 'input' ? composer.input : null;
    const hint = inputHint(input?.kind ?? 'text');
    this.input.type = hint.type;
    this.input.inputMode = hint.inputMode;
    this.input.autocomplete = hint.autocomplete as AutoFill;
    this.input.placeholder = composer.state === 'over' ? t('placeholder.closed') : t(`placeholder.${input?.kind ?? 'text'}`);
    this.input.disabled = composer.state === 'over';
    this.send.disabled = composer.state !== 'input' && composer.state !== 'live';

    this.choices.replaceChildren();
    const options = input?.kind === 'choice' ? input.options : [];
    for (const option of options) {
      const button = el('button', { type: 'button' }, option.label);
      button.addEventListener('click', () => {
        if (this.composer.state === 'input') this.handlers.onChoice(option);
      });
      this.choices.append(button);
    }
    this.choices.hidden = options.length === 0;

    this.ended.replaceChildren();
    this.ended.hidden = composer.state !== 'over';
    if (composer.state === 'over') {
      const restart = el('button', { type: 'button' }, t('restart'));
      restart.addEventListener('click', () => this.handlers.onRestart());
      this.ended.append(el('span', {}, t(composer.reason)), restart);
    }
    // A control that held the focus may just have been removed or disabled: keep the focus in the panel.
    if (hadFocus && !this.panel.contains(this.shadowFocus())) this.focusAnswer();
    this.scrollToEnd();
  }

  private focusAnswer(): void {
    if (!this.input.disabled) this.input.focus();
    else this.ended.querySelector('button')?.focus();
  }

  private shadowFocus(): Element | null {
    return (this.panel.getRootNode() as ShadowRoot).activeElement;
  }

  private append(node: HTMLElement): void {
    this.log.append(node);
    this.scrollToEnd();
  }

  private scrollToEnd(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }
}

function icon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', CHAT_ICON);
  svg.append(path);
  return svg;
}

/**
 * The widget's styles for its shadow root: a constructed style sheet where the browser has them,
 * which a page's Content-Security-Policy does not govern (a `<style>` element needs
 * `style-src 'unsafe-inline'`, which a strict page — the admin's own Appearance page among
 * them — does not allow); the element elsewhere. Answers what to append to the root.
 */
function styleOf(shadow: ShadowRoot): HTMLStyleElement[] {
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [sheet];
    return [];
  }
  const style = el('style');
  style.textContent = CSS;
  return [style];
}
