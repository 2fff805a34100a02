import { findOwnScript, readScriptConfig } from './config.ts';
import { ChatWidget } from './widget.ts';

/** The host element's tag: a custom element name, so the page's own element rules are unlikely to name it. */
const HOST_TAG = 'renkei-chat';

// Read now: `document.currentScript` is only set while this script's top level runs.
const script = findOwnScript(document.currentScript);

function mount(): void {
  if (!script) {
    console.error('Renkei widget: cannot find its <script> tag (it needs src=".../widget.js" and data-bot)');
    return;
  }
  const config = readScriptConfig(script);
  if (typeof config === 'string') {
    console.error(`Renkei widget: ${config}`);
    return;
  }
  const host = document.createElement(HOST_TAG);
  host.dataset['bot'] = config.bot;
  document.body.append(host);
  new ChatWidget(host, config);
}

if (document.body) mount();
else document.addEventListener('DOMContentLoaded', mount, { once: true });
