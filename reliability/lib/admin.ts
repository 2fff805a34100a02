import type { RunningServer } from '../../test/helpers/server.ts';

/** Saves a bot file as a draft and publishes it, with the admin token, as an operator would. */
export async function publishBot(server: RunningServer, id: string, yaml: string): Promise<void> {
  const headers = { authorization: `Bearer ${server.adminToken}` };
  const put = await fetch(`${server.url}/api/v1/admin/bots/${id}`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/yaml' }, body: yaml });
  if (put.status >= 300) throw new Error(`PUT bot ${id}: ${put.status} ${await put.text()}`);
  const pub = await fetch(`${server.url}/api/v1/admin/bots/${id}/publish`, { method: 'POST', headers });
  if (pub.status !== 200) throw new Error(`publish ${id}: ${pub.status} ${await pub.text()}`);
}
