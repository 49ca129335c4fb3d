// Prints every .tf file of a directory as JSON, {"file.tf": {...}, ...}, for TerraformTests: the build machines have
// no terraform binary, and @cdktf/hcl2json is HashiCorp's HCL parser compiled to WebAssembly. A file that does not
// parse is an error naming the file. Usage: node hcl2json.js DIR
const fs = require('fs');
const path = require('path');
const { parse } = require('@cdktf/hcl2json');

async function main(directory) {
  const result = {};
  for (const file of fs.readdirSync(directory).filter((name) => name.endsWith('.tf')).sort()) {
    try {
      result[file] = await parse(file, fs.readFileSync(path.join(directory, file), 'utf8'));
    } catch (error) {
      throw new Error(`Cannot parse ${path.join(directory, file)}: ${error.message || error}`);
    }
  }
  process.stdout.write(JSON.stringify(result));
}

main(process.argv[2]).catch((error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
