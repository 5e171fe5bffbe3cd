import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';

/** SMTP through nodemailer; one pooled transport per hub. */
export class EmailChannel {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    timeoutMs: number,
  ) {
    this.transport = nodemailer.createTransport({
      url: smtpUrl,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
  }

  async send(to: string, message: { subject: string; body: string }, language: string): Promise<void> {
    await this.transport.sendMail({
      from: this.from,
      to,
      subject: message.subject,
      text: message.body,
      headers: { 'Content-Language': language },
    });
  }

  close(): void {
    this.transport.close();
  }
}
