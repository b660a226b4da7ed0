import { DateTimeResolver, JSONResolver } from "graphql-scalars";

/**
 * The contract's `JSON` and `DateTime` scalars. Always referenced explicitly
 * (`@Field(() => DateTimeScalar)`): type-graphql's own GraphQLISODateTime is
 * also called "DateTime" and the two must never both end up in the schema.
 */
export const JSONScalar = JSONResolver;
export const DateTimeScalar = DateTimeResolver;
