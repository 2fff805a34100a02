import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../connectors/registry.ts';
import { ConfigError, envSwitch, serverConfigFromEnv } from './config.ts';

/** Every provider that declares a call timeout has one, so a new provider adds no line here. */
const timedProviders = PROVIDERS.flatMap((p) => (p.callTimeout ? [{ name: p.name, ...p.callTimeout }] : []));

describe('server configuration', () => {
  it('has defaults for everything', () => {
    expect(serverConfigFromEnv({})).toEqual({
      rateLimitPerMinute: 120,
      streams: { perAddress: 20, perConversation: 5 },
      allowedOrigins: null,
      metricsToken: null,
      turnWaitMs: 8000,
      callTimeoutsMs: Object.fromEntries(timedProviders.map((p) => [p.name, p.defaultMs])),
      dbPoolSize: 10,
      logLevel: 'info',
      trustProxy: false,
      customServiceUrls: false,
      publicUrl: null,
      webhookAllowPrivate: false,
    });
    expect(serverConfigFromEnv({ RENKEI_ALLOWED_ORIGINS: ' ', RENKEI_RATE_LIMIT: '' }).allowedOrigins).toBeNull();
  });

  it('reads every variable', () => {
    const config = serverConfigFromEnv({
      RENKEI_RATE_LIMIT: '0',
      RENKEI_STREAMS_PER_IP: '50',
      RENKEI_STREAMS_PER_CONVERSATION: '0',
      RENKEI_METRICS_TOKEN: ' scrape-me ',
      RENKEI_ALLOWED_ORIGINS: 'https://shop.example, http://localhost:8080/',
      RENKEI_TURN_WAIT_MS: '2500',
      ...Object.fromEntries(timedProviders.map((p, i) => [p.env, String(1500 + i)])),
      RENKEI_DB_POOL: '4',
      RENKEI_LOG_LEVEL: 'WARN',
      RENKEI_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
      RENKEI_CUSTOM_SERVICE_URLS: '1',
      RENKEI_PUBLIC_URL: 'https://chat.example.com/',
      RENKEI_WEBHOOK_ALLOW_PRIVATE: '1',
    });
    expect(config).toEqual({
      rateLimitPerMinute: 0,
      streams: { perAddress: 50, perConversation: 0 },
      metricsToken: 'scrape-me',
      allowedOrigins: ['https://shop.example', 'http://localhost:8080'],
      turnWaitMs: 2500,
      callTimeoutsMs: Object.fromEntries(timedProviders.map((p, i) => [p.name, 1500 + i])),
      dbPoolSize: 4,
      logLevel: 'warn',
      trustProxy: ['10.0.0.0/8', '127.0.0.1'],
      customServiceUrls: true,
      publicUrl: 'https://chat.example.com',
      webhookAllowPrivate: true,
    });
    expect(serverConfigFromEnv({ RENKEI_CUSTOM_SERVICE_URLS: '0' }).customServiceUrls).toBe(false);
    expect(serverConfigFromEnv({ RENKEI_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(serverConfigFromEnv({ RENKEI_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    // Case does not matter, as for the other on/off settings: `TRUE` is not a proxy's address.
    expect(serverConfigFromEnv({ RENKEI_TRUST_PROXY: 'TRUE' }).trustProxy).toBe(true);
    expect(serverConfigFromEnv({ RENKEI_TRUST_PROXY: 'False' }).trustProxy).toBe(false);
  });

  it('refuses bad values with a message naming the variable', () => {
    const bad: Array<[Record<string, string>, string]> = [
      [{ RENKEI_RATE_LIMIT: 'many' }, 'RENKEI_RATE_LIMIT'],
      [{ RENKEI_RATE_LIMIT: '-1' }, 'RENKEI_RATE_LIMIT'],
      [{ RENKEI_STREAMS_PER_IP: 'ten' }, 'RENKEI_STREAMS_PER_IP'],
      [{ RENKEI_STREAMS_PER_CONVERSATION: '-2' }, 'RENKEI_STREAMS_PER_CONVERSATION'],
      [{ RENKEI_TURN_WAIT_MS: '1.5' }, 'RENKEI_TURN_WAIT_MS'],
      [{ RENKEI_ZOHO_TIMEOUT_MS: '2s' }, 'RENKEI_ZOHO_TIMEOUT_MS'],
      [{ RENKEI_DB_POOL: '0' }, 'RENKEI_DB_POOL'],
      [{ RENKEI_DB_POOL: 'ten' }, 'RENKEI_DB_POOL'],
      [{ RENKEI_LOG_LEVEL: 'loud' }, 'RENKEI_LOG_LEVEL'],
      [{ RENKEI_ALLOWED_ORIGINS: 'shop.example' }, 'RENKEI_ALLOWED_ORIGINS'],
      [{ RENKEI_ALLOWED_ORIGINS: 'https://shop.example/widget' }, 'RENKEI_ALLOWED_ORIGINS'],
      [{ RENKEI_CUSTOM_SERVICE_URLS: 'sometimes' }, 'RENKEI_CUSTOM_SERVICE_URLS'],
      [{ RENKEI_WEBHOOK_ALLOW_PRIVATE: 'maybe' }, 'RENKEI_WEBHOOK_ALLOW_PRIVATE'],
      [{ RENKEI_PUBLIC_URL: 'chat.example.com' }, 'RENKEI_PUBLIC_URL'],
      [{ RENKEI_PUBLIC_URL: 'https://chat.example.com/renkei' }, 'RENKEI_PUBLIC_URL'],
    ];
    for (const [env, name] of bad) {
      expect(() => serverConfigFromEnv(env), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => serverConfigFromEnv(env)).toThrow(name);
    }
  });

  it('reads every on/off variable by one rule: 1, true or yes on, 0, false, no or unset off, in any case; anything else names the variable', () => {
    const on = ['1', 'true', 'yes', 'TRUE', ' Yes '];
    const off = [undefined, '', '0', 'false', 'no', 'NO'];
    for (const name of ['RENKEI_CUSTOM_SERVICE_URLS', 'RENKEI_WEBHOOK_ALLOW_PRIVATE'] as const) {
      const read = (value: string | undefined) => {
        const config = serverConfigFromEnv(value === undefined ? {} : { [name]: value });
        return name === 'RENKEI_CUSTOM_SERVICE_URLS' ? config.customServiceUrls : config.webhookAllowPrivate;
      };
      for (const value of on) {
        expect(read(value), `${name}=${value}`).toBe(true);
        expect(envSwitch({ [name]: value }, name)).toBe(true);
      }
      for (const value of off) {
        expect(read(value), `${name}=${value}`).toBe(false);
        expect(envSwitch(value === undefined ? {} : { [name]: value }, name)).toBe(false);
      }
      for (const value of ['maybe', 'enabled', '2']) {
        const message = `${name} must be 1, true or yes (on) or 0, false or no (off), got "${value}"`;
        expect(() => read(value)).toThrow(message);
        expect(() => envSwitch({ [name]: value }, name)).toThrow(new ConfigError(message));
      }
    }
  });
});
