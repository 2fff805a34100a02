/**
 * A bot that asks, says what it heard, and asks again: every reply is one turn with no
 * integration, so load tests and benchmarks measure the turn path itself.
 */
export const echoBot = (id = 'echo'): string => `
renkei: 1
id: ${id}
name: Echo
locale: en
start: ask
blocks:
  ask:
    type: ask
    kind: text
    prompt: "Say something."
    save: said
    next: echo
  echo:
    type: message
    text: "You said: %said%"
    next: ask
`;
