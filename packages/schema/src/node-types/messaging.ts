import { z } from "zod";
import { SecretNameSchema } from "../graph.ts";
import { defineNodeType, templateString, templatedMatching } from "./define.ts";

// Literal addresses are checked here; templated ones are checked by the activity after rendering.
const Email = templatedMatching("Email address.", /^[^\s@]+@[^\s@]+\.[^\s@]+$/, "must be an email address");
const Phone = templatedMatching(
  "Phone number in E.164 form.",
  /^\+[1-9]\d{6,14}$/,
  "must be an E.164 phone number such as +15551234567",
);

export const EmailSendConfigSchema = z
  .strictObject({
    to: z.array(Email).min(1).max(50).describe("Recipients"),
    cc: z.array(Email).max(50).optional().describe("Copy recipients"),
    subject: templateString("Subject line.").min(1),
    text: templateString("Plain-text body.").optional(),
    html: templateString("HTML body.").optional(),
    from: Email.optional().describe("Sender; default: the SMTP account's address"),
    smtpSecret: SecretNameSchema.describe("Secret holding the SMTP URL (smtp://user:pass@host:port)"),
  })
  .refine((c) => c.text !== undefined || c.html !== undefined, {
    message: "must set text or html (or both)",
  });

export const emailSend = defineNodeType({
  type: "email.send",
  category: "integration",
  kind: "activity",
  title: "Send email",
  description: "Sends an email over SMTP. Retries reuse an idempotency key so a message is sent once.",
  config: EmailSendConfigSchema,
  output: z.object({ messageId: z.string(), accepted: z.array(z.string()) }),
  sideEffects: true,
  example: { to: ["team@example.com"], subject: "Hello", text: "Hi", smtpSecret: "SMTP_URL" },
});

export const SmsSendConfigSchema = z.strictObject({
  to: Phone,
  body: templateString("Message text.").min(1).max(1600),
  from: Phone.describe("Sender number"),
  accountSecret: SecretNameSchema.describe(
    'Secret holding "ACCOUNT_SID:AUTH_TOKEN" for a Twilio-compatible API',
  ),
  baseUrl: templatedMatching("API base URL.", /^https?:\/\/\S+$/i, "must be an absolute http(s) URL")
    .optional()
    .describe("Twilio-compatible API base URL; default: Twilio"),
});

export const smsSend = defineNodeType({
  type: "sms.send",
  category: "integration",
  kind: "activity",
  title: "Send SMS",
  description: "Sends a text message through a Twilio-compatible API.",
  config: SmsSendConfigSchema,
  output: z.object({ messageId: z.string(), status: z.string() }),
  sideEffects: true,
  example: { to: "+15551234567", from: "+15557654321", body: "Hi", accountSecret: "TWILIO_ACCOUNT" },
});
export type EmailSendConfig = z.output<typeof EmailSendConfigSchema>;
export type SmsSendConfig = z.output<typeof SmsSendConfigSchema>;
