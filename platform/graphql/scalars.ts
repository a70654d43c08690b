/**
 * Scalars every subgraph declares the same way, from graphql-scalars (RFC 3339 parsing and clear
 * errors). A subgraph's resolver map lists the ones its SDL declares.
 */
export { DateTimeResolver as DateTime } from 'graphql-scalars';
