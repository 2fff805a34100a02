/**
 * All of the widget's CSS. It lives inside the shadow root, so it reaches nothing outside; and
 * since the page's rules still reach the host element (and through it, inherited properties),
 * the host is reset and every inherited property the widget relies on is set again on `.root`.
 * Colours are variables: the bot's appearance sets the accent (and what goes on it) and the theme.
 */
export const CSS = `
:host { all: initial !important; }
:host(.inline) { display: block !important; width: 100% !important; height: 100% !important; }
.root {
  --accent: #0b57d0; --on-accent: #fff; --accent-fg: #0b57d0; --x: 20px; --y: 20px;
  --bg: #fff; --fg: #1f2328; --muted: #57606a; --bot-bg: #f0f2f5; --border: #d0d7de; --field: #fff; --off: #f6f8fa;
  --notice-bg: #fff4e5; --notice-fg: #6b3d00;
  color: var(--fg); font: 400 15px/1.45 system-ui, -apple-system, "Segoe UI", "Hiragino Sans", "Noto Sans JP", sans-serif;
  letter-spacing: normal; text-align: left; text-transform: none; text-shadow: none; word-spacing: normal;
  direction: ltr; visibility: visible; white-space: normal; cursor: auto; height: 100%;
}
.root.dark {
  --bg: #161b22; --fg: #e6edf3; --muted: #9da7b3; --bot-bg: #262c36; --border: #3d444d; --field: #0d1117; --off: #21262d;
  --notice-bg: #3a2a10; --notice-fg: #f5d9a8;
}
.root *, .root *::before, .root *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
button, input { font: inherit; color: inherit; margin: 0; }
button { cursor: pointer; }
:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }

.launcher {
  position: fixed; right: var(--x); bottom: var(--y); z-index: 2147483000;
  width: 56px; height: 56px; border-radius: 50%; border: 0; padding: 0;
  background: var(--accent); color: var(--on-accent);
  display: grid; place-items: center; box-shadow: 0 4px 14px rgba(0, 0, 0, 0.25);
}
.launcher svg { width: 28px; height: 28px; fill: currentColor; }

.greeting {
  position: fixed; right: var(--x); bottom: calc(var(--y) + 68px); z-index: 2147483000; max-width: min(280px, calc(100vw - 40px));
  display: flex; align-items: flex-start; gap: 4px; padding: 4px; border-radius: 14px;
  background: var(--bg); border: 1px solid var(--border); box-shadow: 0 6px 20px rgba(0, 0, 0, 0.18);
  animation: renkei-in 0.25s ease-out;
}
.greeting .say { flex: 1; padding: 8px 10px; border: 0; border-radius: 10px; background: transparent; text-align: left; }
.greeting .dismiss { width: 32px; height: 32px; border: 0; border-radius: 8px; background: transparent; font-size: 18px; line-height: 1; }
@keyframes renkei-in { from { opacity: 0; transform: translateY(6px); } }

.panel {
  position: fixed; right: var(--x); bottom: calc(var(--y) + 68px); z-index: 2147483001;
  width: 370px; height: min(600px, calc(100vh - var(--y) - 88px));
  display: flex; flex-direction: column; overflow: hidden;
  background: var(--bg); border: 1px solid var(--border); border-radius: 14px;
  box-shadow: 0 10px 36px rgba(0, 0, 0, 0.22);
}
.left .launcher, .left .greeting, .left .panel { right: auto; left: var(--x); }
.inline .panel { position: relative; inset: auto; z-index: auto; width: 100%; height: 100%; min-height: 360px; box-shadow: none; }
.header {
  display: flex; align-items: center; gap: 10px;
  padding: 10px 10px 10px 16px; background: var(--accent); color: var(--on-accent);
}
.avatar { width: 36px; height: 36px; border-radius: 50%; object-fit: cover; flex: none; background: var(--on-accent); }
.heading { flex: 1; min-width: 0; }
.title { margin: 0; font-size: 16px; font-weight: 600; }
.subtitle { margin: 0; font-size: 13px; }
.close {
  width: 40px; height: 40px; border: 0; border-radius: 8px; background: transparent; color: inherit;
  font-size: 24px; line-height: 1;
}
.close:hover { background: rgba(127, 127, 127, 0.2); }

.log { flex: 1; overflow-y: auto; padding: 14px 12px; display: flex; flex-direction: column; gap: 8px; }
.msg {
  max-width: 85%; margin: 0; padding: 8px 12px; border-radius: 14px;
  white-space: pre-wrap; overflow-wrap: anywhere;
}
.msg.bot { align-self: flex-start; background: var(--bot-bg); border-bottom-left-radius: 4px; }
.msg.visitor { align-self: flex-end; background: var(--accent); color: var(--on-accent); border-bottom-right-radius: 4px; }
.msg .who { display: block; font-size: 12px; font-weight: 600; color: var(--muted); }
.msg.note { align-self: center; background: none; color: var(--muted); font-size: 12px; padding: 2px 8px; }
.msg img { display: block; max-width: 100%; margin-top: 6px; border-radius: 8px; }
.msg a { display: inline-block; margin-top: 4px; color: var(--accent-fg); }

.typing { display: flex; align-items: center; gap: 8px; padding: 0 14px 8px; color: var(--muted); font-size: 13px; }
.dots { display: inline-flex; gap: 3px; }
.dots i { width: 6px; height: 6px; border-radius: 50%; background: var(--muted); animation: renkei-blink 1.2s infinite ease-in-out; }
.dots i:nth-child(2) { animation-delay: 0.2s; }
.dots i:nth-child(3) { animation-delay: 0.4s; }
@keyframes renkei-blink { 0%, 80%, 100% { opacity: 0.25; } 40% { opacity: 1; } }
@media (prefers-reduced-motion: reduce) { .dots i, .greeting { animation: none; } }

.notice { margin: 0 12px 8px; padding: 8px 10px; border-radius: 8px; background: var(--notice-bg); color: var(--notice-fg); font-size: 13px; display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.notice button, .ended button {
  border: 1px solid currentColor; border-radius: 6px; background: transparent; padding: 4px 10px; font-size: 13px;
}
.ended { margin: 0 12px 8px; display: flex; flex-direction: column; gap: 8px; align-items: center; color: var(--muted); font-size: 13px; }

.choices { display: flex; flex-wrap: wrap; gap: 6px; padding: 0 12px 8px; }
.choices button {
  min-height: 40px; padding: 6px 14px; border: 1px solid var(--accent-fg); border-radius: 20px;
  background: var(--bg); color: var(--accent-fg);
}
.choices button:hover { background: var(--bot-bg); }

.composer { display: flex; gap: 8px; padding: 10px 12px; border-top: 1px solid var(--border); }
.composer input {
  flex: 1; min-width: 0; height: 44px; padding: 0 12px;
  border: 1px solid var(--border); border-radius: 10px; background: var(--field); color: var(--fg);
}
.composer input:disabled { background: var(--off); }
.send { height: 44px; padding: 0 16px; border: 0; border-radius: 10px; background: var(--accent); color: var(--on-accent); font-weight: 600; }
.send:disabled { opacity: 0.5; cursor: default; }

@media (max-width: 480px) {
  .root:not(.inline) .panel { inset: 0; width: 100%; height: 100%; border: 0; border-radius: 0; }
}
`;
