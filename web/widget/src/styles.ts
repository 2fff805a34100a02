/**
 * All of the widget's CSS. It lives inside the shadow root, so it reaches nothing outside; and
 * since the page's rules still reach the host element (and through it, inherited properties),
 * the host is reset and every inherited property the widget relies on is set again on `.root`.
 */
export const CSS = `
:host { all: initial !important; }
.root {
  color: #1f2328; font: 400 15px/1.45 system-ui, -apple-system, "Segoe UI", "Hiragino Sans", "Noto Sans JP", sans-serif;
  letter-spacing: normal; text-align: left; text-transform: none; text-shadow: none; word-spacing: normal;
  direction: ltr; visibility: visible; white-space: normal; cursor: auto;
  --accent: #0b57d0; --accent-text: #ffffff; --bot-bg: #f0f2f5; --border: #d0d7de;
}
.root *, .root *::before, .root *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
button, input { font: inherit; color: inherit; margin: 0; }
button { cursor: pointer; }
:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }

.launcher {
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  width: 56px; height: 56px; border-radius: 50%; border: 0; padding: 0;
  background: var(--accent); color: var(--accent-text);
  display: grid; place-items: center; box-shadow: 0 4px 14px rgba(0, 0, 0, 0.25);
}
.launcher svg { width: 28px; height: 28px; fill: currentColor; }

.panel {
  position: fixed; right: 20px; bottom: 88px; z-index: 2147483001;
  width: 370px; height: min(600px, calc(100vh - 108px));
  display: flex; flex-direction: column; overflow: hidden;
  background: #ffffff; border: 1px solid var(--border); border-radius: 14px;
  box-shadow: 0 10px 36px rgba(0, 0, 0, 0.22);
}
.header {
  display: flex; align-items: center; justify-content: space-between; gap: 8px;
  padding: 10px 10px 10px 16px; background: var(--accent); color: var(--accent-text);
}
.title { margin: 0; font-size: 16px; font-weight: 600; }
.close {
  width: 40px; height: 40px; border: 0; border-radius: 8px; background: transparent; color: inherit;
  font-size: 24px; line-height: 1;
}
.close:hover { background: rgba(255, 255, 255, 0.15); }

.log { flex: 1; overflow-y: auto; padding: 14px 12px; display: flex; flex-direction: column; gap: 8px; }
.msg {
  max-width: 85%; margin: 0; padding: 8px 12px; border-radius: 14px;
  white-space: pre-wrap; overflow-wrap: anywhere;
}
.msg.bot { align-self: flex-start; background: var(--bot-bg); border-bottom-left-radius: 4px; }
.msg.visitor { align-self: flex-end; background: var(--accent); color: var(--accent-text); border-bottom-right-radius: 4px; }
.msg img { display: block; max-width: 100%; margin-top: 6px; border-radius: 8px; }
.msg a { display: inline-block; margin-top: 4px; color: var(--accent); }

.typing { display: flex; align-items: center; gap: 8px; padding: 0 14px 8px; color: #57606a; font-size: 13px; }
.dots { display: inline-flex; gap: 3px; }
.dots i { width: 6px; height: 6px; border-radius: 50%; background: #8c959f; animation: renkei-blink 1.2s infinite ease-in-out; }
.dots i:nth-child(2) { animation-delay: 0.2s; }
.dots i:nth-child(3) { animation-delay: 0.4s; }
@keyframes renkei-blink { 0%, 80%, 100% { opacity: 0.25; } 40% { opacity: 1; } }
@media (prefers-reduced-motion: reduce) { .dots i { animation: none; } }

.notice { margin: 0 12px 8px; padding: 8px 10px; border-radius: 8px; background: #fff4e5; color: #6b3d00; font-size: 13px; display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.notice button, .ended button {
  border: 1px solid currentColor; border-radius: 6px; background: transparent; padding: 4px 10px; font-size: 13px;
}
.ended { margin: 0 12px 8px; display: flex; flex-direction: column; gap: 8px; align-items: center; color: #57606a; font-size: 13px; }

.choices { display: flex; flex-wrap: wrap; gap: 6px; padding: 0 12px 8px; }
.choices button {
  min-height: 40px; padding: 6px 14px; border: 1px solid var(--accent); border-radius: 20px;
  background: #ffffff; color: var(--accent);
}
.choices button:hover { background: #e8f0fe; }

.composer { display: flex; gap: 8px; padding: 10px 12px; border-top: 1px solid var(--border); }
.composer input {
  flex: 1; min-width: 0; height: 44px; padding: 0 12px;
  border: 1px solid var(--border); border-radius: 10px; background: #ffffff; color: #1f2328;
}
.composer input:disabled { background: #f6f8fa; }
.send { height: 44px; padding: 0 16px; border: 0; border-radius: 10px; background: var(--accent); color: var(--accent-text); font-weight: 600; }
.send:disabled { opacity: 0.5; cursor: default; }

@media (max-width: 480px) {
  .panel { inset: 0; width: 100%; height: 100%; border: 0; border-radius: 0; }
}
`;
