import type { i18n } from 'i18next';
import type { ChoiceOption, InputRequest } from '../../../src/vocabulary/input-request.ts';
import type { VisitorStatus } from '../../../src/runtime/api.ts';
import { ApiError, VisitorApi, type Answer, type ConversationEvent, type TurnView } from './api.ts';
import { createI18n, type WidgetLocale } from './i18n.ts';
import { SessionStore, type SavedSession } from './storage.ts';
import { EventFollower } from './stream.ts';
import { ChatView } from './view.ts';

export interface WidgetOptions {
  readonly bot: string;
  /** The Renkei server's origin (where widget.js came from). */
  readonly apiOrigin: string;
  /** The language to speak until the conversation tells the bot's own. */
  readonly locale: WidgetLocale;
}

type Conversation = Omit<SavedSession, 'open'>;

/**
 * The chat: starts or restores the conversation, sends answers, and follows the event stream
 * while an integration runs. The view shows; this decides.
 */
export class ChatWidget {
  private readonly options: WidgetOptions;
  private readonly api: VisitorApi;
  private readonly store: SessionStore;
  private readonly i18n: i18n;
  private readonly view: ChatView;
  private readonly follower: EventFollower;
  private conversation: Conversation | null;
  private loaded = false;
  private loading = false;
  private sending = false;
  private status: VisitorStatus | null = null;
  private input: InputRequest | null = null;

  constructor(host: HTMLElement, options: WidgetOptions) {
    this.options = options;
    this.api = new VisitorApi(options.apiOrigin);
    this.store = new SessionStore(options.apiOrigin, options.bot);
    const saved = this.store.load();
    this.conversation = saved;
    this.i18n = createI18n(saved?.locale ?? options.locale);
    this.view = new ChatView(host, this.i18n, {
      onOpenChange: (open) => this.setOpen(open, true),
      onSend: (text) => void this.answer({ text }, text),
      onChoice: (option: ChoiceOption) => void this.answer({ choice: option.value }, option.label),
      onRestart: () => void this.restart(),
    });
    this.follower = new EventFollower({
      url: (after) => this.api.eventsUrl(this.conversation!.conversationId, this.conversation!.token, after),
      onEvent: (event) => this.onEvent(event),
      onTrouble: (down) => this.view.setNotice(down ? { text: this.i18n.t('error.connection') } : null),
      catchUp: () => this.catchUp(),
    });
    if (saved?.open) this.setOpen(true, false);
  }

  private setOpen(open: boolean, moveFocus: boolean): void {
    this.view.setOpen(open, moveFocus);
    if (this.conversation) this.persist(open);
    if (open) void this.load();
  }

  /** The first time the window opens: the stored conversation, or a new one. */
  private async load(): Promise<void> {
    if (this.loaded || this.loading) return;
    this.loading = true;
    try {
      if (this.conversation) await this.restore(this.conversation);
      else await this.start();
    } finally {
      this.loading = false;
    }
  }

  private async start(): Promise<void> {
    this.view.setNotice(null);
    this.view.setComposer({ state: 'wait' });
    this.view.setTyping(true);
    try {
      const started = await this.api.start(this.options.bot);
      this.conversation = {
        conversationId: started.conversationId,
        token: started.token,
        lastEventId: 0,
        locale: started.locale,
      };
      await this.setLocale(started.locale);
      this.loaded = true;
      this.applyTurn(started);
    } catch (error) {
      this.view.setTyping(false);
      const unavailable = error instanceof ApiError && error.status === 404;
      this.view.setNotice({
        text: this.i18n.t(unavailable ? 'error.unavailable' : 'error.start'),
        action: { label: this.i18n.t('retry'), run: () => void this.load() },
      });
    }
  }

  private async restore(conversation: Conversation): Promise<void> {
    this.view.setComposer({ state: 'wait' });
    try {
      const transcript = await this.api.transcript(conversation.conversationId, conversation.token);
      this.loaded = true;
      this.view.clearLog();
      this.conversation = { ...conversation, lastEventId: 0 };
      for (const event of transcript.events) this.show(event);
      this.settle(transcript.status, transcript.input);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        // The conversation is gone (or its token no longer opens it): begin a new one.
        this.store.clear();
        this.conversation = null;
        await this.start();
        return;
      }
      this.view.setNotice({ text: this.i18n.t('error.connection'), action: { label: this.i18n.t('retry'), run: () => void this.load() } });
    }
  }

  private async answer(answer: Answer, shown: string): Promise<void> {
    const conversation = this.conversation;
    if (!conversation || this.sending || this.status !== 'waiting_input') return;
    this.sending = true;
    const bubble = this.view.addVisitor(shown);
    this.view.setNotice(null);
    this.view.setComposer({ state: 'wait' });
    this.view.setTyping(true);
    try {
      const turn = await this.api.reply(conversation.conversationId, conversation.token, answer);
      // The visitor's own event is part of this turn: count it as shown.
      this.applyTurn(turn);
    } catch (error) {
      this.view.setTyping(false);
      bubble.remove();
      // What the visitor typed is not lost, whatever happened to it.
      if ('text' in answer) this.view.setDraft(answer.text);
      if (error instanceof ApiError && error.status !== 429 && error.status < 500) {
        // The server saw a different conversation than this window (another tab answered, it ended): show its version.
        await this.resync();
        return;
      }
      const rateLimited = error instanceof ApiError && error.status === 429;
      this.view.setNotice({ text: this.i18n.t(rateLimited ? 'error.rateLimited' : 'error.send') });
      this.view.setComposer(this.input ? { state: 'input', input: this.input } : { state: 'wait' });
    } finally {
      this.sending = false;
    }
  }

  private applyTurn(turn: TurnView): void {
    for (const message of turn.messages) this.view.addBot(message);
    this.conversation = { ...this.conversation!, lastEventId: turn.lastEventId };
    this.settle(turn.status, turn.input);
  }

  /** Shows what the conversation now waits for, and follows the stream while an integration runs. */
  private settle(status: VisitorStatus, input: InputRequest | null): void {
    this.status = status;
    this.input = input;
    this.persist(this.view.isOpen);
    this.view.setTyping(status === 'working');
    if (status === 'working') {
      this.view.setComposer({ state: 'wait' });
      if (!this.follower.following) this.follower.follow(this.conversation!.lastEventId);
      return;
    }
    this.follower.stop();
    if (status === 'ended' || status === 'handoff') this.view.setComposer({ state: 'over', reason: status === 'ended' ? 'ended' : 'handoff' });
    else if (input) this.view.setComposer({ state: 'input', input });
    else this.view.setComposer({ state: 'wait' });
  }

  private onEvent(event: ConversationEvent): void {
    if (!this.conversation || event.seq <= this.conversation.lastEventId) return;
    this.show(event);
    if (event.type === 'status' && event.status !== 'waiting_input') this.settle(event.status, null);
    // After a status change to waiting_input the input event follows: the turn is complete with it.
    if (event.type === 'input') this.settle('waiting_input', event.input);
    else this.persist(this.view.isOpen);
  }

  /** Adds one stored event to the log (a restore or the stream), and counts it as shown. */
  private show(event: ConversationEvent): void {
    if (event.type === 'visitor') this.view.addVisitor(event.text);
    else if (event.type === 'message') this.view.addBot(event.message);
    this.conversation = { ...this.conversation!, lastEventId: Math.max(this.conversation!.lastEventId, event.seq) };
  }

  /** After a dropped stream: the events missed, then whether the stream is still needed. */
  private async catchUp(): Promise<number | null> {
    const conversation = this.conversation!;
    const transcript = await this.api.transcript(conversation.conversationId, conversation.token);
    for (const event of transcript.events) if (event.seq > this.conversation!.lastEventId) this.show(event);
    if (transcript.status === 'working') {
      this.persist(this.view.isOpen);
      return this.conversation!.lastEventId;
    }
    this.settle(transcript.status, transcript.input);
    return null;
  }

  private async resync(): Promise<void> {
    this.follower.stop();
    this.loaded = false;
    await this.load();
  }

  private async restart(): Promise<void> {
    this.follower.stop();
    this.store.clear();
    this.conversation = null;
    this.loaded = false;
    this.status = null;
    this.input = null;
    this.view.clearLog();
    await this.load();
  }

  private async setLocale(locale: WidgetLocale): Promise<void> {
    if (this.i18n.language === locale) return;
    await this.i18n.changeLanguage(locale);
    this.view.relabel();
  }

  private persist(open: boolean): void {
    if (this.conversation) this.store.save({ ...this.conversation, open });
  }
}
