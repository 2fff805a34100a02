import type {
  Answer,
  ConversationEvent,
  IdentifiedVisitor,
  StartedConversation,
  StartOptions,
  Transcript,
  TurnView,
  VisitorFields,
  WidgetSettings,
} from '../../../src/runtime/api.ts';

export type { Answer, ConversationEvent, StartedConversation, Transcript, TurnView, VisitorFields, WidgetSettings };

/** An HTTP error from the visitor API: its status and the `error` code of its body (when it has one). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | null;
  constructor(status: number, code: string | null, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** The visitor API of one Renkei server, as the widget uses it. */
export class VisitorApi {
  private readonly base: string;

  constructor(origin: string) {
    this.base = `${origin}/api/v1`;
  }

  /** The published bot's look (ETag-revalidated by the browser's cache). */
  settings(bot: string): Promise<WidgetSettings> {
    return this.call('GET', `/bots/${encodeURIComponent(bot)}/widget`, null);
  }

  start(bot: string, options: StartOptions = {}): Promise<StartedConversation> {
    return this.call('POST', `/bots/${encodeURIComponent(bot)}/conversations`, null, options);
  }

  identify(conversationId: string, token: string, visitor: VisitorFields): Promise<IdentifiedVisitor> {
    return this.call('POST', `/conversations/${encodeURIComponent(conversationId)}/visitor`, token, visitor);
  }

  reply(conversationId: string, token: string, answer: Answer): Promise<TurnView> {
    return this.call('POST', `/conversations/${encodeURIComponent(conversationId)}/replies`, token, answer);
  }

  /** While a person has the conversation: tells them the visitor is typing. */
  async typing(conversationId: string, token: string): Promise<void> {
    await this.call('POST', `/conversations/${encodeURIComponent(conversationId)}/typing`, token);
  }

  transcript(conversationId: string, token: string): Promise<Transcript> {
    return this.call('GET', `/conversations/${encodeURIComponent(conversationId)}`, token);
  }

  /** EventSource sends no headers, so the token and the resume point go in the query. */
  eventsUrl(conversationId: string, token: string, afterSeq: number): string {
    const query = new URLSearchParams({ token, lastEventId: String(afterSeq) });
    return `${this.base}/conversations/${encodeURIComponent(conversationId)}/events?${query.toString()}`;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, token: string | null, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'omit',
      mode: 'cors',
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = null;
    }
    if (!response.ok) {
      // Error bodies are `{error: {code, message}}`; a proxy's error page is not.
      const detail = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      throw new ApiError(
        response.status,
        typeof detail?.code === 'string' ? detail.code : null,
        typeof detail?.message === 'string' ? detail.message : `HTTP ${response.status}`,
      );
    }
    return parsed as T;
  }
}
