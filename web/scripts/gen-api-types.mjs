// The web client's view of the HTTP API, made from its OpenAPI schema (JSON on stdin, TS on stdout):
// the types of every path, request form and response (openapi-typescript), and the labels of the
// task result's files (the schema's descriptions of its `*_url` fields), so the UI repeats neither.
//
//   ../.venv/bin/python -m vtrack.api.openapi | node scripts/gen-api-types.mjs > src/lib/api-schema.ts
//
// `make api-types` runs exactly that; tests/api/test_openapi_client.py fails when the checked-in
// file is not what this makes from the live schema.
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

const HEADER = `// Generated from the server's OpenAPI schema by web/scripts/gen-api-types.mjs: do not edit.
// Regenerate with \`make api-types\` after changing an endpoint, a request form or a response model.
`;

const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
const NULL = ts.factory.createLiteralTypeNode(ts.factory.createNull());

/** An uploaded file is a Blob (a File is one) in the browser, not the string the schema says. */
function isBinary(schema) {
  return schema.format === "binary" || schema.contentMediaType === "application/octet-stream";
}

function transform(schema) {
  if (!isBinary(schema)) return undefined;
  return schema.nullable ? ts.factory.createUnionTypeNode([BLOB, NULL]) : BLOB;
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** `*_url` fields of GET /api/task/{task_id}'s `result`, in the schema's order, labelled by their descriptions. */
function resultFiles(schema) {
  const resolve = (node) => (node?.$ref ? schema.components?.schemas?.[node.$ref.split("/").pop()] : node);
  const task = resolve(schema.paths?.["/api/task/{task_id}"]?.get?.responses?.["200"]?.content?.["application/json"]?.schema);
  const result = resolve(task?.properties?.result);
  if (!result?.properties) throw new Error("GET /api/task/{task_id} declares no `result` object: cannot list result files");
  const files = Object.entries(result.properties)
    .filter(([key]) => key.endsWith("_url"))
    .map(([key, field]) => {
      if (!field.description) throw new Error(`result.${key} has no description to label it with`);
      return { key, label: field.description };
    });
  const lines = files.map(({ key, label }) => `  { key: ${JSON.stringify(key)}, label: ${JSON.stringify(label)} },`);
  return `
/** The task result's file URLs, labelled for people (GET /api/task/{task_id} \`result\`, schema order). */
export const RESULT_FILES = [
${lines.join("\n")}
] as const;
`;
}

const schema = JSON.parse(await readStdin());
const ast = await openapiTS(schema, { transform, silent: true });
process.stdout.write(HEADER + astToString(ast) + resultFiles(schema));
