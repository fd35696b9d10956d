// Uploads folders of dbt artifacts to an Azurite blob service, for the remote-source
// tests (object_store cannot create a container): `node azure-upload.mjs URL CONTAINER
// PREFIX DIR...` puts DIR/<file> at PREFIX/<basename of DIR>/<file>. URL is the blob
// endpoint with the account, such as http://127.0.0.1:10000/devstoreaccount1.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

// @azure/storage-blob comes with azurite (tests/package.json).
const require = createRequire(path.join(path.dirname(fileURLToPath(import.meta.url)), "../package.json"));
const { BlobServiceClient, StorageSharedKeyCredential } = require("@azure/storage-blob");

const [url, container, prefix, ...dirs] = process.argv.slice(2);
// Azurite's well-known development account.
const account = "devstoreaccount1";
const key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const service = new BlobServiceClient(url, new StorageSharedKeyCredential(account, key));
const client = service.getContainerClient(container);
await client.createIfNotExists();
for (const dir of dirs) {
  for (const file of readdirSync(dir)) {
    const body = readFileSync(path.join(dir, file));
    await client.getBlockBlobClient(`${prefix}/${path.basename(dir)}/${file}`).upload(body, body.length);
  }
}
