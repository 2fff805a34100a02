import type { i18n } from 'i18next';
import type { WidgetAppearance } from '../../../src/appearance/settings.ts';
import type { ChoiceOption, InputRequest } from '../../../src/vocabulary/input-request.ts';
import type { RecordView, VisitorStatus } from '../../../src/runtime/api.ts';
import { ApiError, VisitorApi, type Answer, type ConversationEvent, type TurnView, type VisitorFields } from './api.ts';
import { seekAttention } from './attention.ts';
import type { ScriptConfig } from './config.ts';
import { createI18n, type WidgetLocale } from './i18n.ts';
import { identityKey, otherPerson } from './identity.ts';
import type { Controlled } from './page-api.ts';
import { SessionStore, type SavedSession } from './storage.ts';
import { EventFollower } from './stream.ts';
import { ChatView } from './view.ts';

/** Tells the page (`Renkei.on`). */
export type Emit = (event: string, data?: unknown) => void;

type Conversation = Omit<SavedSession, 'open'>;

/** A message event: the bot's, or (after a hand-off) a person's of the team, `{from: 'agent', agentName, text}`. */
function messageOf(event: Extract<ConversationEvent, { type: 'message' }>): { from: 'bot' | 'agent'; text: string; agentName?: string } {
  const agent = event as unknown as { from?: unknown; agentName?: unknown; text?: unknown };
  if (agent.from === 'agent') return { from: 'agent', text: String(agent.text ?? ''), agentName: String(agent.agentName ?? '') };
  return { from: 'bot', text: event.message.text };
}

const isOver = (status: VisitorStatus): boolean => status === 'ended' || status === 'handoff';

/**
 * The chat: starts or restores the conversation, sends answers, and follows the event stream
 * while an integration runs; tells the page what happens. The view shows; this decides.
 */
export class ChatWidget implements Controlled {
  private readonly options: ScriptConfig;
  private readonly api: VisitorApi;
  private readonly store: SessionStore;
  private readonly i18n: i18n;
  private readonly view: ChatView;
  private readonly follower: EventFollower;
  private readonly emit: Emit;
  private conversation: Conversation | null;
  private loaded = false;
  private loading = false;
  private sending = false;
  /** Writes to the conversation (answers, identify) go one at a time: two at once would conflict on the server. */
  private writes: Promise<unknown> = Promise.resolve();
  private status: VisitorStatus | null = null;
  private input: InputRequest | null = null;
  /** What the page told of its visitor (`Renkei.identify`): a new conversation starts with it. */
  private identity: VisitorFields | null = null;

  constructor(host: HTMLElement, options: ScriptConfig, appearance: WidgetAppearance, emit: Emit) {
    this.options = options;
    this.emit = emit;
    this.api = new VisitorApi(options.apiOrigin);
    this.store = new SessionStore(options.apiOrigin, options.bot);
    if (!options.resume) this.store.clear();
    const saved = this.store.load();
    this.conversation = saved;
    this.i18n = createI18n(saved?.locale ?? options.locale);
    this.view = new ChatView(
      host,
      this.i18n,
      {
        onOpenChange: (open) => this.setOpen(open, true),
        onDismissGreeting: () => this.store.flag('greeted', true),
        onSend: (text) => void this.answer({ text }, text),
        onChoice: (option: ChoiceOption) => void this.answer({ choice: option.value }, option.label),
        onRestart: () => void this.restart(),
      },
      options.mode,
    );
    this.view.setAppearance(appearance, options.apiOrigin);
    this.follower = new EventFollower({
      url: (after) => this.api.eventsUrl(this.conversation!.conversationId, this.conversation!.token, after),
      onEvent: (event) => this.onEvent(event),
      onTrouble: (down) => this.view.setNotice(down ? { text: this.i18n.t('error.connection') } : null),
      catchUp: () => this.catchUp(),
    });
    if (this.view.inline) void this.load();
    else if (saved?.open) this.setOpen(true, false);
    else {
      seekAttention(
        appearance,
        this.store,
        {
          isOpen: () => this.view.isOpen,
          greet: (text) => this.view.setGreeting(text),
          open: () => this.setOpen(true, false),
        },
        location.pathname,
      );
    }
  }

  // --- the page's API -----------------------------------------------------------------------------

  open(): void {
    this.setOpen(true, true);
  }

  close(): void {
    if (!this.view.inline) this.setOpen(false, this.view.hasFocus);
  }

  async identify(visitor: VisitorFields): Promise<void> {
    this.identity = visitor;
    const current = this.conversation;
    // Not started (or starting: the start reads `identity` once it has its answer).
    if (!current || this.loading) return;
    if (current.identified !== undefined && otherPerson(current.identified, identityKey(visitor))) {
      // Someone else signed in on this browser: the stored conversation is not theirs to see.
      await this.restart();
      return;
    }
    await this.sendIdentity(current);
  }

  private async sendIdentity(current: Conversation): Promise<void> {
    const visitor = this.identity;
    if (visitor === null) return;
    const sent = identityKey(visitor);
    if (current.identified === sent) return;
    try {
      await this.write(() => this.api.identify(current.conversationId, current.token, visitor));
    } catch (error) {
      // Gone or over: the next conversation starts with the identity.
      if (error instanceof ApiError && (error.status === 404 || error.status === 409)) return;
      throw error;
    }
    if (this.conversation?.conversationId === current.conversationId) {
      this.conversation = { ...this.conversation, identified: sent };
      this.persist(this.view.isOpen);
    }
  }

  // --- the conversation ---------------------------------------------------------------------------

  private setOpen(open: boolean, moveFocus: boolean): void {
    const changed = open !== this.view.isOpen;
    this.view.setOpen(open, moveFocus);
    if (this.conversation) this.persist(open);
    if (open) void this.load();
    // Once the visitor has had the chat open, neither the greeting nor the proactive opening comes back this session.
    if (open) this.store.flag('greeted', true);
    else this.store.flag('proactive', true);
    if (changed && !this.view.inline) this.emit(open ? 'open' : 'close');
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
    // Told while the conversation loaded: it applies now (to a restored conversation, or one started before the page spoke).
    if (this.identity) await this.identify(this.identity).catch((e: unknown) => console.error('Renkei.identify:', e));
  }

  private async start(): Promise<void> {
    this.view.setNotice(null);
    this.view.setComposer({ state: 'wait' });
    this.view.setTyping(true);
    const identity = this.identity;
    try {
      const started = await this.api.start(this.options.bot, identity ? { visitor: identity } : {}).catch((error: unknown) => {
        // The server reads the visitor as this page did, so this is a mismatch of versions: chat without it rather than not at all.
        if (!(error instanceof ApiError && error.code === 'invalid_visitor')) throw error;
        console.error('Renkei.identify:', error.message);
        this.identity = null;
        return this.api.start(this.options.bot);
      });
      this.conversation = {
        conversationId: started.conversationId,
        token: started.token,
        lastEventId: 0,
        locale: started.locale,
        ...(identity && this.identity === identity ? { identified: identityKey(identity) } : {}),
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
      // What happened after this page last looked (an integration finished during the reload) is news to the page.
      for (const event of transcript.events) this.show(event, event.seq > conversation.lastEventId);
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
      const turn = await this.write(() => this.api.reply(conversation.conversationId, conversation.token, answer));
      this.emit('message', { from: 'visitor', text: shown });
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

  private write<T>(call: () => Promise<T>): Promise<T> {
    const done = this.writes.then(call, call);
    this.writes = done.catch(() => undefined);
    return done;
  }

  private applyTurn(turn: TurnView): void {
    for (const record of turn.records) this.announce(record);
    for (const message of turn.messages) {
      this.view.addBot(message);
      this.emit('message', { from: 'bot', text: message.text });
    }
    this.conversation = { ...this.conversation!, lastEventId: turn.lastEventId };
    if (isOver(turn.status)) this.emit('end', { status: turn.status });
    this.settle(turn.status, turn.input);
  }

  private announce(record: RecordView): void {
    this.emit(record.event, { ...record.data });
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
    if (isOver(status)) this.view.setComposer({ state: 'over', reason: status === 'ended' ? 'ended' : 'handoff' });
    else if (input) this.view.setComposer({ state: 'input', input });
    else this.view.setComposer({ state: 'wait' });
  }

  private onEvent(event: ConversationEvent): void {
    if (!this.conversation || event.seq <= this.conversation.lastEventId) return;
    this.show(event, true);
    if (event.type === 'status' && event.status !== 'waiting_input') this.settle(event.status, null);
    // After a status change to waiting_input the input event follows: the turn is complete with it.
    if (event.type === 'input') this.settle('waiting_input', event.input);
    else this.persist(this.view.isOpen);
  }

  /** Adds one stored event to the log (a restore or the stream) and counts it as shown; `news`: tell the page too. */
  private show(event: ConversationEvent, news: boolean): void {
    if (event.type === 'visitor') this.view.addVisitor(event.text);
    else if (event.type === 'message') {
      const message = messageOf(event);
      if (message.from === 'agent') this.view.addAgent(message.agentName ?? '', message.text);
      else this.view.addBot(event.message);
      if (news) this.emit('message', message);
    } else if (news && event.type === 'record') this.announce(event);
    else if (news && event.type === 'status' && isOver(event.status)) this.emit('end', { status: event.status });
    this.conversation = { ...this.conversation!, lastEventId: Math.max(this.conversation!.lastEventId, event.seq) };
  }

  /** After a dropped stream: the events missed, then whether the stream is still needed. */
  private async catchUp(): Promise<number | null> {
    const conversation = this.conversation!;
    const transcript = await this.api.transcript(conversation.conversationId, conversation.token);
    for (const event of transcript.events) if (event.seq > this.conversation!.lastEventId) this.show(event, true);
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

  /** Forgets the stored conversation; a new one starts now if the chat is open, else when it opens. */
  private async restart(): Promise<void> {
    this.follower.stop();
    this.store.clear();
    this.conversation = null;
    this.loaded = false;
    this.status = null;
    this.input = null;
    this.view.clearLog();
    if (this.view.isOpen) await this.load();
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
