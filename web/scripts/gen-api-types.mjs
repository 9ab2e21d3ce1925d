// TypeScript types of the HTTP API, made from its OpenAPI schema (JSON on stdin, TS on stdout).
//
//   ../.venv/bin/python -m vtrack.api.openapi | node scripts/gen-api-types.mjs > src/lib/api-schema.d.ts
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

const schema = JSON.parse(await readStdin());
const ast = await openapiTS(schema, { transform, silent: true });
process.stdout.write(HEADER + astToString(ast));
