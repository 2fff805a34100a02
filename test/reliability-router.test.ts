import { describe, expect, it } from 'vitest';
import { Router } from '../reliability/lib/router.ts';

/**
 * The scale-out round's load balancer (`npm run reliability -- scale-out`): routed to the fewest,
 * a process never gets a request while another has fewer in flight, and a visitor's request
 * stops counting once the visitor sends its next one or is done.
 */
const URLS = ['http://a', 'http://b', 'http://c'];

describe('Router', () => {
  it('sends each request to the process with the fewest in flight', () => {
    const router = new Router(URLS, 'least');
    const visitors = Array.from({ length: 7 }, () => router.visitor());
    const picked = visitors.map((v) => v.target());
    expect(router.inFlight()).toEqual(URLS.map((u) => picked.filter((p) => p === u).length));
    expect([...router.inFlight()].sort()).toEqual([2, 2, 3]);
  });

  it('counts a request in flight until its visitor sends the next one or is done', () => {
    const router = new Router(URLS, 'least');
    const one = router.visitor();
    const two = router.visitor();
    one.target();
    const busy = two.target();
    expect(router.inFlight().reduce((a, b) => a + b, 0)).toBe(2);
    // The first visitor's request was answered: its next goes where nothing is in flight now.
    const second = one.target();
    expect(second).not.toBe(busy);
    expect(router.inFlight().reduce((a, b) => a + b, 0)).toBe(2);
    one.done();
    two.done();
    expect(router.inFlight()).toEqual([0, 0, 0]);
    // done twice releases nothing more.
    one.done();
    expect(router.inFlight()).toEqual([0, 0, 0]);
  });

  it('keeps the processes even where random routing lets one pile up requests', () => {
    const router = new Router(URLS, 'least');
    const visitors = Array.from({ length: 192 }, () => router.visitor());
    for (const v of visitors) v.target();
    // Visitors whose requests to one process were answered first send again, as a fast process's would.
    for (let round = 0; round < 50; round++) {
      for (const v of visitors.slice(0, 64)) v.target();
    }
    expect(router.inFlight()).toEqual([64, 64, 64]);
  });

  it('with random routing, spreads requests over every process', () => {
    const router = new Router(URLS, 'random');
    const picked = new Set(Array.from({ length: 300 }, () => router.visitor().target()));
    expect(picked).toEqual(new Set(URLS));
  });
});
