import type { Logger } from 'pino';

/** A message to a customer about their account; `token` goes into the link the message carries. */
export interface AccountNotification {
  kind: 'password_reset' | 'email_verification';
  to: string;
  name: string;
  locale: string;
  token: string;
  expiresAt: Date;
}

/** Delivers account messages (email, SMS …): pass one to createApp({ notificationSender }). */
export interface NotificationSender {
  send(message: AccountNotification): Promise<void>;
}

declare module './context' {
  interface AppServices {
    /** Sends password-reset and verification messages; by default writes them to the log (development). */
    notifications: NotificationSender;
  }
}

/** The development sender: the message, token included, goes to the log at info level. */
export function logNotificationSender(log: Logger): NotificationSender {
  return {
    async send(message) {
      log.info({ notification: message }, `notification ${message.kind} to ${message.to}`);
    },
  };
}
