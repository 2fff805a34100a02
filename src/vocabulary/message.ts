export interface Message {
  readonly text: string;
  readonly image?: string;
  readonly link?: { readonly url: string; readonly label?: string };
}
