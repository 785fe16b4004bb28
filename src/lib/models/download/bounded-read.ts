// Reads a small file's whole answer as text, stopping past a limit counted in the bytes the body
// reader hands over. The browser decodes a compressed answer on the way, so neither its headers
// nor its length on the wire say how big it becomes.
import { FileTooLargeError } from '../../engines/errors';

export async function readTextUpTo(response: Response, path: string, limitBytes: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const decoder = new TextDecoder();
  let text = '';
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    received += value.length;
    if (received > limitBytes) {
      void reader.cancel().catch(() => {});
      throw new FileTooLargeError(path, limitBytes);
    }
    text += decoder.decode(value, { stream: true });
  }
}
