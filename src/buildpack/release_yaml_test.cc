#include "buildpack/release_yaml.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

TEST(ReleaseYamlTest, CommandsSurviveAYamlParserByteForByte) {
  Procfile p;
  p.processes = {
      {"web", "node server.js --listen 0.0.0.0:$PORT", 1},
      {"worker", "echo \"quoted: 'yes'\" # not a comment", 2},
      {"release", "./env-check.sh && npx sequelize-cli db:migrate --config server/sequelize.json", 3},
      {"clock", "- starts: like a list {and} [braces] | > & * ! % @ `", 4},
      {"tab", "printf 'a\\tb\\\\n'\twith a real tab", 5},
      {"uni", "echo héllo ✓", 6},
  };
  std::string yaml = ReleaseYaml(p);
  YAML::Node types = YAML::Load(yaml)["default_process_types"];
  ASSERT_TRUE(types.IsMap()) << yaml;
  ASSERT_EQ(p.processes.size(), types.size());
  for (const ProcessType& t : p.processes)
    EXPECT_EQ(t.command, types[t.name].as<std::string>()) << yaml;
  EXPECT_EQ(0u, yaml.find("---\ndefault_process_types:\n"));
}
