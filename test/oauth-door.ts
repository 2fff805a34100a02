import { createServer } from 'node:http';
import { onTestFinished } from 'vitest';

/** What the door does with a request before it passes it on: `drop` closes the connection unanswered. */
export type DoorHook = (request: { readonly method: string; readonly path: string }) => Promise<'pass' | 'drop' | void> | 'pass' | 'drop' | void;

export interface OAuthDoor {
  /** `http://127.0.0.1:PORT`: give it as the provider's accounts, API or login URL. */
  readonly url: string;
  /** Every refresh_token the service's answers carried through the door (what Renkei received). */
  readonly refreshTokens: string[];
}

/**
 * A provider's fake as Renkei sees it through a door: every request goes on to `target` unchanged,
 * after `hook` ran (a test disconnects a role while the code is traded, or drops the revoke's
 * connection). The door notes the refresh tokens the answers carry, so a test can check what became
 * of a grant Renkei dropped. Closed when the test finishes.
 */
export async function oauthDoor(target: string, hook: DoorHook = () => 'pass'): Promise<OAuthDoor> {
  const refreshTokens: string[] = [];
  const door = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      void (async () => {
        const method = req.method ?? 'GET';
        const url = req.url ?? '/';
        if ((await hook({ method, path: new URL(url, 'http://door').pathname })) === 'drop') {
          req.socket.destroy();
          return;
        }
        const answer = await fetch(`${target}${url}`, {
          method,
          headers: {
            'content-type': req.headers['content-type'] ?? 'text/plain',
            ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
          },
          redirect: 'manual',
          ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
        });
        const text = await answer.text();
        const token = /"refresh_token"\s*:\s*"([^"]+)"/.exec(text)?.[1];
        if (token !== undefined && !refreshTokens.includes(token)) refreshTokens.push(token);
        const headers = Object.fromEntries([...answer.headers].filter(([key]) => !['content-length', 'content-encoding', 'transfer-encoding'].includes(key)));
        res.writeHead(answer.status, headers).end(text);
      })();
    });
  });
  await new Promise<void>((resolve) => door.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => door.close(() => resolve())));
  const address = door.address();
  if (address === null || typeof address === 'string') throw new Error('the door has no port');
  return { url: `http://127.0.0.1:${address.port}`, refreshTokens };
}
