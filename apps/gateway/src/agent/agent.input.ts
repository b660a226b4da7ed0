import { ArgsType, Field, ID, Int } from "type-graphql";
import { z } from "zod";
import { UNSTORABLE_TEXT_MESSAGE, isStorableText } from "@weft/schema";
import { JSONScalar } from "../common/scalars.ts";
import { ZName } from "../workspace/workspace.input.ts";

@ArgsType()
export class CreateAgentArgs {
  @Field(() => ID)
  workspaceId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  spec?: string | null;

  @Field(() => JSONScalar, { nullable: true })
  graph?: unknown;
}

@ArgsType()
export class UpdateDraftArgs {
  @Field(() => ID)
  agentId!: string;

  @Field(() => JSONScalar, { nullable: true })
  graph?: unknown;

  @Field(() => String, { nullable: true })
  spec?: string | null;

  /** The draftRevision the edit is based on; omitted means last write wins. */
  @Field(() => Int, { nullable: true })
  expectedRevision?: number | null;
}

@ArgsType()
export class PublishAgentArgs {
  @Field(() => ID)
  agentId!: string;

  @Field(() => String, { nullable: true })
  note?: string | null;
}

@ArgsType()
export class SetLiveVersionArgs {
  @Field(() => ID)
  agentId!: string;

  @Field(() => ID)
  versionId!: string;
}

export const MAX_SPEC_LENGTH = 200_000;

const ZSpec = z
  .string()
  .max(MAX_SPEC_LENGTH, `must be at most ${MAX_SPEC_LENGTH} characters`)
  .refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);

export const ZCreateAgent = z.object({ name: ZName, spec: ZSpec.nullish() });
export const ZUpdateDraft = z.object({
  spec: ZSpec.nullish(),
  expectedRevision: z.number().int().min(0, "must not be negative").nullish(),
});
export const ZPublish = z.object({
  note: z
    .string()
    .trim()
    .max(2000, "must be at most 2000 characters")
    .refine(isStorableText, UNSTORABLE_TEXT_MESSAGE)
    .nullish(),
});

/** A new agent with nothing in it yet. */
export const EMPTY_GRAPH = { version: 1, inputs: {}, nodes: [], edges: [] } as const;
