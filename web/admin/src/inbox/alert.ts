/** A short two-note chime (Web Audio: no sound file to fetch), for a visitor arriving in the inbox. */
export function chime(): void {
  try {
    const audio = new AudioContext();
    const now = audio.currentTime;
    for (const [i, frequency] of [660, 880].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.15, now + i * 0.15);
      gain.gain.exponentialRampToValueAtTime(0.001, now + i * 0.15 + 0.3);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.15);
      osc.stop(now + i * 0.15 + 0.3);
    }
    setTimeout(() => void audio.close(), 1000);
  } catch {
    // No audio (a browser that refuses it before any click): the list and the notification remain.
  }
}

/** A desktop notification, when the agent allowed them and the tab is not in front. */
export function notifyDesktop(text: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || document.visibilityState === 'visible') return;
  new Notification('Renkei', { body: text, tag: 'renkei-inbox' });
}
