/** The JSON Schema of the intent, derived from the zod schema (never written by hand). */
import { z } from "zod";
import { IntentSchema } from "./zod-schema";

export function intentJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(IntentSchema, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>),
    $id: "https://netseg.dev/schema/intent.schema.json",
    title: "netseg segmentation intent",
  };
}
