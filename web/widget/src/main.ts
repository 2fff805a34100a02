import { widgetAppearance, type WidgetAppearance } from '../../../src/appearance/settings.ts';
import { VisitorApi } from './api.ts';
import { findOwnScript, readScriptConfig, type ScriptConfig } from './config.ts';
import { installPageApi, type PageHub } from './page-api.ts';
import { ChatWidget } from './widget.ts';

/** The host element's tag: a custom element name, so the page's own element rules are unlikely to name it. */
const HOST_TAG = 'renkei-chat';

// Read now: `document.currentScript` is only set while this script's top level runs.
const script = findOwnScript(document.currentScript);

function mount(config: ScriptConfig, appearance: WidgetAppearance, hub: PageHub): void {
  const host = document.createElement(HOST_TAG);
  host.dataset['bot'] = config.bot;
  if (config.mode === 'inline') {
    let target: Element | null = null;
    try {
      target = document.querySelector(config.target!);
    } catch {
      // Not a selector at all: said below.
    }
    if (!target) {
      console.error(`Renkei widget: data-target="${config.target}" matches no element of the page`);
      return;
    }
    target.append(host);
  } else {
    document.body.append(host);
  }
  hub.attach(new ChatWidget(host, config, appearance, hub.emit));
}

function boot(): void {
  const config = script ? readScriptConfig(script) : 'cannot find its <script> tag (it needs src=".../widget.js" and data-bot)';
  if (typeof config === 'string') {
    console.error(`Renkei widget: ${config}`);
    return;
  }
  // At once, so the page's calls from now on are kept until the chat is there.
  const hub = installPageApi(window as { Renkei?: unknown });
  // The published look; without it (not published, offline) the chat still mounts and says why when opened.
  const appearance = new VisitorApi(config.apiOrigin).settings(config.bot).then(
    (settings) => settings.appearance,
    () => widgetAppearance(undefined),
  );
  // A bubble needs only the body; an inline chat its target, which may come after the script tag.
  const domReady = new Promise<void>((resolve) => {
    if (config.mode === 'bubble' ? document.body : document.readyState !== 'loading') resolve();
    else document.addEventListener('DOMContentLoaded', () => resolve(), { once: true });
  });
  void Promise.all([appearance, domReady]).then(([look]) => mount(config, look, hub));
}

boot();
