import type { SNSEvent } from 'aws-lambda';

/** The event Lambda hands a function subscribed to an SNS topic, for one message as SNS delivered it. */
export function snsEventOf(subject: string | undefined, message: string, topicArn = 'arn:aws:sns:us-east-1:123456789012:drift'): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:1`,
        Sns: {
          Type: 'Notification',
          MessageId: 'm-1',
          TopicArn: topicArn,
          ...(subject === undefined ? {} : { Subject: subject }),
          Message: message,
          Timestamp: '2026-11-23T12:00:10.000Z',
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}
