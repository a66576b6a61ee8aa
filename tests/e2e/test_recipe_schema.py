#!/usr/bin/env python3
"""Every recipe file validates against recipes/recipe.schema.json (checked by
the jsonschema package, not by caora itself), names only probes, actions and
contacts that exist, and asks each question the same way everywhere."""
import glob
import json
import os
import subprocess
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("CAORA_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
CAORA = os.environ.get("CAORA_BIN", os.path.join(SOURCE, "build", "caora"))
RECIPES = os.path.join(SOURCE, "recipes")

try:
    import jsonschema
except ImportError:  # pragma: no cover - scripts/deps.sh installs python3-jsonschema
    jsonschema = None


def recipe_files():
    return sorted(f for f in glob.glob(os.path.join(RECIPES, "*", "*.json")))


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def steps_of(recipe):
    for cause in recipe["causes"]:
        for step in cause["resolve"]:
            yield step
    for step in recipe.get("steps", []):
        yield step
    if "escalate" in recipe:
        yield dict(recipe["escalate"], type="escalate")


class RecipeFiles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        out = subprocess.run([CAORA, "--json", "list", "--probes", "--actions"], capture_output=True, text=True, check=True).stdout
        items = json.loads(out)["items"]
        cls.probes = {i["name"]: i for i in items if i["kind"] == "probe"}
        cls.actions = {i["name"] for i in items if i["kind"] == "action"}
        cls.contacts = set(load(os.path.join(RECIPES, "contacts.json")))

    def test_every_file_validates_against_the_schema(self):
        if jsonschema is None:
            self.skipTest("python3-jsonschema is not installed")
        schema = load(os.path.join(RECIPES, "recipe.schema.json"))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        files = recipe_files()
        self.assertGreaterEqual(len(files), 16 + 34 + 11)
        for path in files:
            with self.subTest(file=os.path.relpath(path, SOURCE)):
                errors = sorted(validator.iter_errors(load(path)), key=lambda e: list(e.path))
                self.assertEqual([], ["%s: %s" % ("/".join(map(str, e.path)), e.message) for e in errors])

    def test_schema_rejects_a_broken_recipe(self):
        if jsonschema is None:
            self.skipTest("python3-jsonschema is not installed")
        schema = load(os.path.join(RECIPES, "recipe.schema.json"))
        good = load(os.path.join(RECIPES, "errors", "008.json"))
        bad = json.loads(json.dumps(good))
        bad["causes"][0]["detect"]["checks"][0]["present_if"] = {"eq": True, "ne": False}
        with self.assertRaises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)

    def test_every_named_probe_action_and_contact_exists(self):
        for path in recipe_files():
            r = load(path)
            name = os.path.relpath(path, SOURCE)
            for cause in r["causes"]:
                detect = cause.get("detect", {})
                checks = detect.get("checks", []) + (cause["verify"]["checks"] if isinstance(cause.get("verify"), dict) else [])
                for check in checks:
                    with self.subTest(file=name, probe=check["probe"]):
                        self.assertIn(check["probe"], self.probes)
            for step in steps_of(r):
                if step["type"] == "action":
                    with self.subTest(file=name, action=step["action"]):
                        self.assertIn(step["action"], self.actions)
                if step["type"] == "escalate":
                    with self.subTest(file=name, contact=step["to"]):
                        self.assertIn(step["to"], self.contacts)
                wait = step.get("wait_for", {})
                if "probe" in wait:
                    with self.subTest(file=name, wait_probe=wait["probe"]):
                        self.assertIn(wait["probe"], self.probes)

    def test_ids_and_codes_are_unique(self):
        ids, codes = {}, {}
        for path in recipe_files():
            r = load(path)
            self.assertNotIn(r["id"], ids, "%s and %s" % (ids.get(r["id"]), path))
            ids[r["id"]] = path
            for c in r.get("codes", []):
                self.assertNotIn(c, codes, "code %s in %s and %s" % (c, codes.get(c), path))
                codes[c] = path

    def test_a_question_reads_the_same_everywhere(self):
        seen = {}
        for path in recipe_files():
            for cause in load(path)["causes"]:
                q = cause.get("detect", {}).get("question")
                if not q:
                    continue
                if q["id"] in seen:
                    self.assertEqual(seen[q["id"]][0], q["text"], "question %s differs in %s and %s" % (q["id"], seen[q["id"]][1], path))
                else:
                    seen[q["id"]] = (q["text"], path)

    def test_every_probe_has_a_type_and_text_in_both_languages(self):
        for name, p in self.probes.items():
            with self.subTest(probe=name):
                self.assertIn(p["type"], ("bool", "int", "string", "version", "string_list", "record_list"))
                self.assertTrue(p["description"]["ja"] and p["description"]["en"])
                # A record list declares its typed fields, like the columns of a table.
                self.assertEqual(bool(p.get("fields")), p["type"] == "record_list")
                for f in p.get("fields", []):
                    self.assertIn(f["type"], ("bool", "int", "string", "string_list"))
                    self.assertTrue(f["description"]["ja"] and f["description"]["en"])


if __name__ == "__main__":
    unittest.main()
