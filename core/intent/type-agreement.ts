/**
 * A compile-time check that a hand-written public type says exactly what a zod schema accepts or
 * produces, so that netseg's declarations can stay free of zod without the two drifting apart.
 * `true` when A and B accept the same values: each assignable to the other, and also once every
 * optional field is made required, at every depth (plain assignability alone lets an optional
 * field that only one side declares slip through).
 */
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

type DeepRequired<T> = T extends readonly (infer E)[]
  ? DeepRequired<E>[]
  : T extends object
    ? { [K in keyof T]-?: DeepRequired<Exclude<T[K], undefined>> }
    : T;

export type Agrees<A, B> = Mutual<A, B> extends true ? Mutual<DeepRequired<A>, DeepRequired<B>> : false;
