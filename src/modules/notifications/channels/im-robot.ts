/**
 * IM group-robot webhooks: one JSON POST for all of them, a body template per
 * robot kind, and each kind's way of saying "refused" in a 200 answer.
 */
import { guardedRequest } from '../../../platform/http/target-guard';

export type ImRobotKind = 'WECOM' | 'DINGTALK' | 'FEISHU' | 'GENERIC';

export function imRobotBody(kind: ImRobotKind, message: { subject: string; body: string }): Record<string, unknown> {
  const text = `${message.subject}\n${message.body}`;
  switch (kind) {
    case 'WECOM':
    case 'DINGTALK':
      return { msgtype: 'text', text: { content: text } };
    case 'FEISHU':
      return { msg_type: 'text', content: { text } };
    case 'GENERIC':
      return { title: message.subject, text: message.body };
  }
}

/** WeCom and DingTalk answer {errcode: 0}, Feishu {code: 0}; anything else non-zero is a refusal. */
export function imRobotRefusal(answer: unknown): string | null {
  if (!answer || typeof answer !== 'object') return null;
  const a = answer as { errcode?: unknown; errmsg?: unknown; code?: unknown; msg?: unknown };
  if (typeof a.errcode === 'number' && a.errcode !== 0) return `robot refused: ${a.errcode} ${String(a.errmsg ?? '')}`.trim();
  if (typeof a.code === 'number' && a.code !== 0) return `robot refused: ${a.code} ${String(a.msg ?? '')}`.trim();
  return null;
}

/** Posts to the robot through the outbound target guard: an address outside the allowed ranges is refused at send time too. */
export async function postToImRobot(
  url: string,
  kind: ImRobotKind,
  message: { subject: string; body: string },
  options: { timeoutMs: number; allowedRanges: readonly string[] },
): Promise<void> {
  const response = await guardedRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(imRobotBody(kind, message)),
    timeoutMs: options.timeoutMs,
    allowedRanges: options.allowedRanges,
  });
  if (response.status < 200 || response.status >= 300) throw new Error(`robot answered HTTP ${response.status}`);
  const refusal = imRobotRefusal(parseJsonOrNull(response.body));
  if (refusal) throw new Error(refusal);
}

function parseJsonOrNull(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : null;
  } catch {
    return null;
  }
}
