import { describe, expect, it } from 'vitest';
import { accentOn, contrast, ratioText, textOn, THEME_COLOURS } from './contrast.ts';
import { imageTypeOf } from './image-type.ts';
import { pathMatches } from './paths.ts';
import { appearanceSchema } from './schema.ts';
import { widgetAppearance } from './settings.ts';
import { HTML_AS_PNG, solidPng, SVG } from './test-images.ts';

describe('contrast', () => {
  it('follows WCAG 2: black on white is 21:1, a colour on itself 1:1', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#0b57d0', '#0b57d0')).toBe(1);
    expect(ratioText(contrast('#767676', '#ffffff'))).toBe('4.5:1');
  });

  it('writes on the accent in black or white, whichever reads better, never below 4.5:1', () => {
    expect(textOn('#0b57d0')).toBe('#ffffff');
    expect(textOn('#ffe066')).toBe('#000000');
    for (const accent of ['#000000', '#ffffff', '#777777', '#ff0000', '#00ff00', '#0000ff', '#ffe066', '#2d2a26', '#7f7f7f']) {
      expect(contrast(accent, textOn(accent)), accent).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('draws the accent on the panel only where it is legible, else the theme text colour', () => {
    expect(accentOn('#0b57d0', 'light')).toBe('#0b57d0');
    expect(accentOn('#ffe066', 'light')).toBe(THEME_COLOURS.light.text);
    expect(accentOn('#ffe066', 'dark')).toBe('#ffe066');
    expect(accentOn('#0b57d0', 'dark')).toBe(THEME_COLOURS.dark.text);
  });
});

describe('proactive path patterns', () => {
  it('match the whole path, with * for any characters and everything else literal', () => {
    expect(pathMatches('/pricing', '/pricing')).toBe(true);
    expect(pathMatches('/pricing', '/pricing/team')).toBe(false);
    expect(pathMatches('/pricing*', '/pricing/team')).toBe(true);
    expect(pathMatches('/help/*/faq', '/help/orders/faq')).toBe(true);
    expect(pathMatches('/a.b', '/axb')).toBe(false);
    expect(pathMatches('/(x)+', '/(x)+')).toBe(true);
  });
});

describe('images', () => {
  it('are known by their first bytes, not their names', () => {
    expect(imageTypeOf(solidPng('#ff0000'))).toBe('image/png');
    expect(imageTypeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('image/jpeg');
    expect(imageTypeOf(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'))).toBe('image/gif');
    expect(imageTypeOf(Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(imageTypeOf(HTML_AS_PNG)).toBeNull();
    expect(imageTypeOf(SVG)).toBeNull();
    expect(imageTypeOf(Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'))).toBeNull();
    expect(imageTypeOf(new Uint8Array())).toBeNull();
  });
});

describe('the widget appearance', () => {
  it('fills in every default when the bot file says nothing', () => {
    expect(widgetAppearance(undefined)).toEqual({
      theme: 'light',
      accent: '#0b57d0',
      title: null,
      subtitle: null,
      avatar: null,
      greeting: null,
      position: 'right',
      offset: { x: 20, y: 20 },
      proactive: null,
    });
  });

  it('keeps what the file sets, with the avatar as the path it is served at', () => {
    const appearance = appearanceSchema.parse({
      theme: 'dark',
      accent: '#FFE066',
      title: 'Acme',
      avatar: '0123456789abcdef0123456789abcdef',
      greeting: { text: 'Hi!' },
      launcher: { position: 'left' },
      proactive: { paths: ['/pricing*'] },
    });
    expect(widgetAppearance(appearance)).toMatchObject({
      theme: 'dark',
      accent: '#ffe066',
      avatar: '/api/v1/images/0123456789abcdef0123456789abcdef',
      greeting: { text: 'Hi!', delay: 5 },
      position: 'left',
      offset: { x: 20, y: 20 },
      proactive: { delay: 0, paths: ['/pricing*'] },
    });
  });
});
