// Original file: proto/inference.proto

export const SentimentLabel = {
  SENTIMENT_LABEL_UNSPECIFIED: 'SENTIMENT_LABEL_UNSPECIFIED',
  POSITIVE: 'POSITIVE',
  NEGATIVE: 'NEGATIVE',
  NEUTRAL: 'NEUTRAL',
} as const;

export type SentimentLabel =
  | 'SENTIMENT_LABEL_UNSPECIFIED'
  | 0
  | 'POSITIVE'
  | 1
  | 'NEGATIVE'
  | 2
  | 'NEUTRAL'
  | 3

export type SentimentLabel__Output = typeof SentimentLabel[keyof typeof SentimentLabel]
