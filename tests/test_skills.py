"""The skill matcher: aliases, whole words, longest match, and the context rules kept as data."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolediff import data
from rolediff.skills import (
    HashIndex,
    Prepared,
    Words,
    _bmp_tables,
    _separator_table,
    _spaced_codes,
    find_skills,
    hash_terms,
    lower_same_length,
    spaced,
    speedups,
    text_hash,
)
from tests.conftest import compiled_kernel


def ids(text: str) -> set[str]:
    return {h.id for h in find_skills(text)}


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        ("Experience with K8s and Helm charts", "kubernetes"),
        ("We deploy with Argo CD", "argo-cd"),
        ("We deploy with ArgoCD", "argo-cd"),
        ("Build CI/CD pipelines", "ci-cd"),
        ("GCP or Azure", "gcp"),
        ("Services written in Go and Python.", "go"),
        ("C++ and C#", "cpp"),
        ("C++ and C#", "csharp"),
        ("Terraform modules", "terraform"),
        ("configuration with Chef and Ansible", "chef"),
        # Added by the coverage review of the taxonomy (see skills/SOURCE.md).
        ("CI with GH Actions", "github-actions"),
        ("Certifications such as CKA, CKAD or CKS", "kubernetes-certification"),
        ("AWS Certified Solutions Architect", "cloud-certification"),
        ("CISSP, OSCP or CompTIA Security+", "security-certification"),
        ("CCNA or CCNP preferred", "networking-certification"),
        ("RHCSA or RHCE", "linux-certification"),
        ("Spark jobs on Databricks", "apache-spark"),
        ("Snowflake and BigQuery", "snowflake"),
        ("Stream processing with Apache Flink", "apache-flink"),
        ("Scripting in Python, Shell or Perl", "bash"),
        ("Backend services in Node and TypeScript", "nodejs"),
        ("Linux (CentOS, Red Hat, Ubuntu)", "rhel"),
        ("AWS VPCs, subnets and security groups", "firewalls"),
        ("VXLAN/EVPN, MPLS and BGP", "vxlan-evpn"),
        ("Familiarity with MITRE ATT&CK", "mitre-attack"),
        ("Services written in Kotlin", "kotlin"),
        ("Operate GPU clusters for model training", "gpu-computing"),
    ],
)
def test_finds_aliases_and_names(text: str, skill: str) -> None:
    assert skill in ids(text)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        ("terraforming Mars", "terraform"),
        ("Let's go to market together", "go"),
        ("Make sure you apply today", "make"),
        ("Our head chef cooks", "chef"),
        ("Based in San Francisco", "storage-systems"),
        ("See https://example.com/docs/terraform for details", "terraform"),
        ("Series C funding", "c"),
        ("the go-to person for releases", "go"),
        ("Strong test automation background", "infrastructure-automation"),
    ],
)
def test_ordinary_words_are_not_skills(text: str, skill: str) -> None:
    assert skill not in ids(text)


# Rules added after the QA audit of the development corpus: for each, an ordinary use that must
# not count as the skill and a technical use that still must.
@pytest.mark.parametrize(
    ("skill", "ordinary", "technical"),
    [
        ("harness", "We harness the power of data", "CI/CD pipelines in Jenkins or Harness"),
        ("harness", "Wear a safety harness on the roof", "Deployments run in Harness"),
        ("harness", "Harness design: connectors, wire gauges", "Harness feature flags"),
        ("sops", "Follow laboratory SOPs and GMP", "Encrypt secrets in Git with SOPS"),
        ("sops", "Write SOPS for the front desk", "Mozilla SOPS"),
        ("kong", "Offices in London and Hong Kong", "Kong as our API gateway"),
        # The word before rules these out even beside the skill's context words (`not_after`).
        ("kong", "Hong Kong office; we run API gateways", "Envoy or Kong gateways"),
        ("cortex", "The GPU is the visual cortex of the computer", "Prometheus, Thanos or Cortex"),
        ("cortex", "Firmware for ARM Cortex-M microcontrollers", "Cortex metrics"),
        ("lean", "You can lean on your teammates", "Agile and Lean practices"),
        ("lean", "We have grown fast and stayed lean", "Lean Six Sigma training"),
        ("lean", "A small, lean team of experts", "Work in lean or agile environments"),
        ("lean", "We encourage you to lean in", "Lean manufacturing concepts"),
        ("elastic-stack", "An agile, elastic cloud platform", "Logs in Elastic and Kibana"),
        ("elastic-stack", "Configure Elastic Load Balancing", "Elastic, Prometheus, Grafana"),
        ("elastic-stack", "Allocate Elastic IPs to instances", "Elastic for our logging"),
        ("elastic-stack", "Autoscaling for Amazon Elastic MapReduce", "Elastic or Solr search"),
        ("hashicorp-vault", "Build Veeva Vault applications", "Store secrets in Vault"),
        ("hashicorp-vault", "Keep it in a password vault", "Terraform and Vault"),
        ("hashicorp-vault", "A Vault of stories, told well", "HashiCorp Vault"),
        ("hashicorp-vault", "Modelling: 3NF, Dimensional, Data Vault", "Vault PKI certificates"),
        ("hashicorp-vault", "Veeva Vault and secrets management", "Secrets in HashiCorp Vault"),
        ("hashicorp-vault", "Data Vault 2.0 on Kubernetes", "Kubernetes secrets from Vault"),
        ("nomad", "Live the digital nomad lifestyle", "Kubernetes or Nomad"),
        ("nomad", "Nomad days: work from anywhere", "Hashicorp Nomad"),
        ("nomad", "Digital Nomad visa; we love Kubernetes clusters", "Nomad clusters"),
        ("consul", "A reception with the Consul General", "Service discovery with Consul"),
        ("consul", "Our consul in Lyon", "Vault and Consul"),
        ("version-control", "Backed by top VCs", "A VCS like Git"),
        ("version-control", "VCs and angel investors", "version control"),
        ("google-cloud-storage", "Founded by former GCs", "Data in GCS buckets"),
        ("jenkins", "Please send your résumé to Mr. Jenkins", "Build jobs in Jenkins"),
        ("apache-kafka", "Favourite novel: Kafka on the Shore", "Event streaming with Kafka"),
        ("helm", "Take the helm of our sales team", "Deploy to Kubernetes with Helm"),
        ("helm", "The captain is at the helm.", "Helm charts"),
        ("rust", "Rust removal and repainting", "Services in Rust and Go"),
        ("rust", "Rust prevention on steel", "Rust"),
        ("saltstack", "Salt and pepper to taste", "Ansible or Salt for configuration"),
        ("saltstack", "Our Salt Lake City office", "SaltStack"),
        ("chef", "Our Head Chef writes new recipes", "Chef cookbooks"),
        ("puppet", "Puppet shows, with salt and pepper snacks", "Puppet manifests"),
        (
            "compliance-governance",
            "In compliance with federal law, all persons hired will be required to verify identity",
            "SOC 2 compliance",
        ),
        (
            "compliance-governance",
            "We are committed to compliance with all applicable fair employment practice laws",
            "compliance frameworks such as ISO 27001",
        ),
        # Rules added by the coverage review (see skills/SOURCE.md).
        ("fortify", "Help fortify our systems and processes", "SAST with Fortify or Checkmarx"),
        ("nessus", "A consistent, tenable strategy", "Scanners such as Tenable or Qualys"),
        ("agile", "We are bold, smart, agile, and fun", "Agile and Lean values"),
        ("agile", "Customers can be more agile and efficient", "Work in an agile team"),
        ("leadership", "Interview with a leadership team member", "Strong leadership skills"),
        ("leadership", "Report to our senior leadership", "Leadership and communication"),
        ("apache-spark", "We Spark Magic & Have Fun", "Hadoop, Spark and Hive"),
        ("bash", "Writing exploits and shell code", "Python, shell or Perl scripts"),
        ("nodejs", "HP Network Node Manager", "React, Node and MongoDB"),
        ("rhel", "Contribute to Red Hat's success", "Linux (Red Hat, CentOS)"),
        ("virtualization", "Visiting vm.example hosts", "Troubleshoot VMs"),
        ("firewalls", "The Security Group protects our systems", "IAM roles and security groups"),
        ("amazon-emr", "Electronic medical record (EMR) integrations", "Spark on AWS EMR"),
        ("palo-alto-networks", "Offices in Palo Alto, CA", "Firewalls (Cisco ASA, Palo Alto)"),
        ("juniper", "Juniper berries and gin", "Cisco and Juniper routers"),
        ("graphite", "Graphite electrodes for batteries", "Metrics in Graphite and Grafana"),
        ("grafana-tempo", "Keep up the tempo", "Grafana, Loki and Tempo"),
        ("atlantis", "The lost city of Atlantis", "Terraform plans through Atlantis"),
        ("fastly", "Fastly employs authors and pilots", "CDNs such as Fastly or Akamai"),
        ("ccpa", "Extend CCPA HR Notice", "GDPR and CCPA"),
        ("gpu-computing", "Our invention of the GPU changed gaming", "GPU clusters on Kubernetes"),
        ("timescaledb", "Within agreed timescale tolerances", "Postgres with Timescale"),
        ("sox", "A pair of sox", "SOX compliance"),
        # Rules added by the review of the infrastructure-adjacent postings (skills/SOURCE.md).
        (
            "leadership",
            "Work alongside product managers and leadership to define priorities",
            "Strong leadership and communication skills",
        ),
        (
            "leadership",
            "You'll be recognized for your contributions, leadership, and impact",
            "Provide technical leadership to the team",
        ),
        (
            "leadership",
            "Build and elevate executive thought leadership",
            "Mentoring and leadership",
        ),
        (
            "self-service-infrastructure",
            "Develop self-service analytics capabilities for finance",
            "Build self-service tooling for our engineers",
        ),
        (
            "self-service-infrastructure",
            "From self-service claim filing software to fraud detection",
            "An internal developer platform that emphasizes self-service",
        ),
        ("aws-lambda", "Lambda is an Equal Opportunity employer", "AWS services: EC2, S3, Lambda"),
        ("aws-lambda", "Design patterns (lambda, kappa, medallion)", "Serverless on Lambda"),
        ("nexus", "Backed by Nexus Venture Partners", "Artifacts in Nexus or Artifactory"),
        ("nexus", "Our team is the nexus between clients and data", "Jenkins, Nexus and SonarQube"),
        ("snowflake", "Star and snowflake schemas", "Data in Snowflake and BigQuery"),
        ("build-automation", "We build pipelines and prepare data", "Maintain build pipelines"),
        (
            "platform-as-a-product",
            "Maintains the technical roadmap for the platform/product",
            "We run the platform as a product",
        ),
        # Skills added after the eighth session's review (see skills/SOURCE.md).
        ("aws-glue", "the glue that holds them together", "AWS services: EC2, S3, EMR, Glue"),
        ("aws-glue", "We are the Glue between teams", "Pipelines on Glue and Athena"),
        ("amazon-athena", "Work with services like Zoom and Athena.", "Presto/Trino/Athena"),
        ("aws-security-hub", "Visit our Security Hub page", "AWS Security Hub and GuardDuty"),
        ("aws-control-tower", "the airport's control tower", "AWS Control Tower landing zones"),
        ("google-app-engine", "Our app engine renders pages", "Cloud Run, App Engine, GKE"),
    ],
)
def test_context_rules_from_the_qa_audit(skill: str, ordinary: str, technical: str) -> None:
    assert skill not in ids(ordinary)
    assert skill in ids(technical)


# The second review (2026-11-27, see skills/SOURCE.md): company names read as skills, adjectives
# read as soft skills, and acronyms that also name other things.
@pytest.mark.parametrize(
    ("skill", "ordinary", "technical"),
    [
        (
            "cisco-ios",
            "Customers like Cisco, Uber and eBay rely on our product",
            "Configure Cisco routers and switches",
        ),
        ("cisco-ios", "Cisco is an equal opportunity employer", "Firewalls (Cisco ASA, Palo Alto)"),
        (
            "customer-facing-consulting",
            "Experience shipping customer facing applications",
            "Three years in a customer-facing role",
        ),
        (
            "customer-facing-consulting",
            "Partner with the client-facing teams in sales",
            "Strong client-facing skills",
        ),
        (
            "customer-facing-consulting",
            "Troubleshoot customer facing issues",
            "Lead customer-facing engagements",
        ),
        (
            "communication",
            "Troubleshoot network communication failures",
            "Excellent communication skills",
        ),
        (
            "communication",
            "We build a business communication platform",
            "Clear and timely communication with stakeholders",
        ),
        ("communication", "Linux inter-process communication (IPC)", "Written communication"),
        (
            "tcp-ip",
            "Join our Technical Career Pathway (TCP) programme",
            "Networking basics: TCP, UDP and DNS",
        ),
        ("key-management", "KMS Technology was founded in 2009", "Secrets in Vault and KMS"),
        ("maven", "Family planning support through Maven", "Builds with Maven or Gradle"),
        ("maven", "At Maven Clinic we care for families", "Java services built by Maven"),
        ("nats", "Configure NATs and static routes", "Messaging over NATS and Kafka"),
        ("google-cloud-build", "Our Marketing Cloud build models for clients", "CI in Cloud Build"),
        ("agile", "A creative and agile problem solver", "Agile ceremonies and sprint reviews"),
        ("amazon-rds", "An office in Aurora, CO", "AWS Aurora and DynamoDB"),
        ("amazon-rds", "Aurora Labs builds a blockchain", "Aurora PostgreSQL databases"),
        ("flux", "Superconducting flux qubits", "GitOps with Flux and Helm"),
        ("flux", "Our priorities are in constant flux", "Argo CD or Flux"),
        ("azure-devops", "Azure DevOps Engineer Expert certification", "Pipelines in Azure DevOps"),
        (
            "security-certification",
            "Follow CISA advisories on exploited flaws",
            "A CISA certification is preferred",
        ),
        ("azure-app-service", "Our app services for mobile banking", "Azure VMs, App Services"),
        ("windows", "Coordinate outages and deployment windows", "Windows and Linux servers"),
        ("windows", "Roofing, windows and doors", "Administer linux and windows servers"),
        ("scripting-programming", "Step 2: Coding Challenge (3 hours)", "Coding in Go or Python"),
        ("patch-management", "Patching code to remove bottlenecks", "OS patching cycles"),
        ("collaboration", "We sell a collaboration platform", "Strong collaboration skills"),
        (
            "collaboration",
            "Meet in one of our collaboration spaces",
            "Work in close collaboration with developers",
        ),
    ],
)
def test_context_rules_from_the_second_review(skill: str, ordinary: str, technical: str) -> None:
    assert skill not in ids(ordinary)
    assert skill in ids(technical)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Services instrumented with Open Telemetry", {"opentelemetry"}),
        ("GWAPT, GCFA, CSSLP or CCSK", {"security-certification"}),
        ("Certified Information Systems Security Professional", {"security-certification"}),
        ("Offensive Security Certified Professional", {"security-certification"}),
        ("AWS Cloud Practitioner", {"aws", "cloud-certification"}),
        ("Azure Administrator Associate", {"azure", "cloud-certification"}),
        ("AWS Solution Architect Associate", {"aws", "cloud-certification"}),
        ("AWS Certified Security Specialty", {"aws", "cloud-certification"}),
        ("Google Professional Cloud Security Engineer", {"cloud-certification"}),
        # The certification (and Azure: see test_a_form_can_count_toward_a_second_skill), not the
        # Azure DevOps product (which "an Azure DevOps Engineer" may well use).
        ("Azure DevOps Engineer Expert", {"cloud-certification", "azure"}),
        ("An Azure DevOps Engineer to run our pipelines", {"azure-devops"}),
        ("Azure App Services", {"azure-app-service"}),
        # Identity governance (IGA) is identity management, not the compliance area.
        ("Identity governance tooling", {"iam"}),
    ],
)
def test_aliases_from_the_second_review(text: str, expected: set[str]) -> None:
    assert ids(text) == expected


# How the context rules read the word beside a match (`not_before`, `not_after`): markdown,
# quotes and brackets around it do not hide it; a line or sentence break ends the phrase, and so
# does a comma after the match, not one before it (lists of modifiers: "bold, smart, agile").
@pytest.mark.parametrize(
    ("text", "form", "not_before", "not_after", "passes"),
    [
        ("Founded as **KMS Technology** in 2009", "KMS", {"technology"}, set(), False),
        ("Our Technical Career Pathway (TCP) programme", "TCP", set(), {"pathway"}, False),
        ("Impacting customer-facing systems?**", "customer-facing", {"systems"}, set(), False),
        ('Offices in Hong "Kong" and Macau', "Kong", set(), {"hong"}, False),
        ("The \u2018Leadership\u2019 team", "Leadership", {"team"}, set(), False),
        ("Run by `helm` of the ship", "helm", {"of"}, set(), False),
        ("[Self-service] *analytics* for finance", "Self-service", {"analytics"}, set(), False),
        ("Lunch with a dedicated leadership team- weekly", "leadership", {"team"}, set(), False),
        ("Sales to C-Level\u200b executives", "C", {"level"}, set(), False),
        ("Let's go - to market", "go", {"to"}, set(), False),
        ("We are bold, smart, agile, and fun", "agile", set(), {"smart"}, False),
        # Breaks: the neighbour across them is not part of the phrase.
        ("An office in Aurora, CO", "Aurora", {"co"}, set(), True),
        ("Services written in Go, to help the platform", "Go", {"to"}, set(), True),
        ("Python, Go\n  * A deep sense of quality", "Go", {"a"}, set(), True),
        ("Written in Go. The rest is Python", "Go", {"the"}, set(), True),
        ("Vendors; Kong gateways", "Kong", set(), {"vendors"}, True),
        ("Mentoring and Leadership & Team Management", "Leadership", {"team"}, set(), True),
        ("Acme Inc. Kong", "Kong", set(), {"inc"}, True),
        ("Python, Go\n\nTeam", "Go", {"team"}, set(), True),
        ("Go", "Go", {"to"}, {"to"}, True),
        # Punctuation inside a word stays: the dot of ".NET" does not end a sentence.
        ("Written in C .NET core", "C", {"net"}, set(), False),
    ],
)
def test_context_rules_read_the_neighbour_word_through_markup(
    text: str, form: str, not_before: set[str], not_after: set[str], passes: bool
) -> None:
    from rolediff.skills import SkillMatcher, _Rule

    rule = _Rule(frozenset(), None, 80, frozenset(not_before), frozenset(not_after))
    start = text.index(form)
    low = lower_same_length(text)
    assert SkillMatcher._passes(rule, text, low, start, start + len(form)) is passes


@pytest.mark.parametrize(
    ("skill", "ordinary", "technical"),
    [
        (
            "customer-facing-consulting",
            "**How will you make an impact directly on customer-facing systems?**",
            "**Three years in a customer-facing role**",
        ),
        (
            "self-service-infrastructure",
            "Our platform team:\n  *  **Self-service Analytics:** KPIs for finance",
            "Our platform team builds **self-service** tooling",
        ),
        ("communication", 'We build a business "communication" platform', '"Communication" skills'),
        ("communication", "Debug *network* communication", "Clear *written* communication"),
        ("nomad", "Live the (digital) Nomad life, on Kubernetes", "Kubernetes or (Nomad)"),
    ],
)
def test_context_rules_see_words_wrapped_in_markdown(
    skill: str, ordinary: str, technical: str
) -> None:
    assert skill not in ids(ordinary)
    assert skill in ids(technical)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AWS certification preferred", {"aws", "cloud-certification"}),
        ("AWS Certifications", {"aws", "cloud-certification"}),
        ("AWS-certified engineers", {"aws", "cloud-certification"}),
        ("AWS Certified Developer", {"aws", "cloud-certification"}),
        ("Amazon Web Services certification", {"aws", "cloud-certification"}),
        ("Azure certifications a plus", {"azure", "cloud-certification"}),
        ("Microsoft Azure certification", {"azure", "cloud-certification"}),
        ("GCP certification", {"gcp", "cloud-certification"}),
        ("Google Cloud Certification", {"gcp", "cloud-certification"}),
        ("Azure DevOps Engineer Expert", {"azure", "cloud-certification"}),
        ("Certified Kubernetes Administrator", {"kubernetes", "kubernetes-certification"}),
        ("Certified Kubernetes Application Developer", {"kubernetes", "kubernetes-certification"}),
        ("Certified Kubernetes Security Specialist", {"kubernetes", "kubernetes-certification"}),
        ("Kubernetes certifications", {"kubernetes", "kubernetes-certification"}),
        ("Kubernetes certification", {"kubernetes", "kubernetes-certification"}),
        ("AWS Certified Cloud Practitioner", {"aws", "cloud-certification"}),
        ("AWS Certified Solutions Architect Associate", {"aws", "cloud-certification"}),
        ("AWS Certified DevOps Engineer Professional", {"aws", "cloud-certification"}),
        # The forms alone still count one skill each.
        ("AWS and Kubernetes", {"aws", "kubernetes"}),
        ("A cloud certification", {"cloud-certification"}),
        ("CKA or CKAD", {"kubernetes-certification"}),
    ],
)
def test_a_form_can_count_toward_a_second_skill(text: str, expected: set[str]) -> None:
    assert ids(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "AWS Certified Cloud Practitioner",
        "AWS Certified Solutions Architect Associate",
        "AWS Certified Developer Associate",
        "AWS Certified SysOps Administrator Associate",
    ],
)
def test_an_aws_certifications_full_title_is_one_certification(text: str) -> None:
    # Read in two parts ("AWS Certified" + "Cloud Practitioner"), the title had counted the
    # certification twice.
    hits = {h.id: h for h in find_skills(text)}
    assert hits["cloud-certification"].count == 1
    assert hits["aws"].count == 1


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        ("Log Analytics (KQL), Application Insights", "kql"),
        ("Kusto Query Language", "kql"),
        ("Understanding of Kerberos/NTLM", "kerberos"),
        ("MongoDB and Firestore", "google-firestore"),
        ("Hands-on experience with AWS EMR and AWS Glue", "aws-glue"),
    ],
)
def test_skills_added_in_the_third_review_are_found(text: str, skill: str) -> None:
    assert skill in ids(text)


def test_a_second_skill_is_credited_at_the_forms_own_span() -> None:
    text = "AWS experience; an AWS certification; and AWS again"
    hits = {h.id: h for h in find_skills(text)}
    aws, cert = hits["aws"], hits["cloud-certification"]
    assert [text[a:b] for a, b in aws.spans] == ["AWS", "AWS certification", "AWS"]
    assert aws.count == 3
    assert [text[a:b] for a, b in cert.spans] == ["AWS certification"] and cert.count == 1
    # Each hit has its own list: changing one (as rolediff fit does) leaves the other alone.
    assert cert.spans is not aws.spans
    # Its own mentions first, then the credited one: most mentioned first, ties by position.
    assert [h.id for h in find_skills(text)] == ["aws", "cloud-certification"]


def test_a_second_skill_is_not_credited_inside_a_link_or_a_longer_form() -> None:
    assert ids("See https://example.com/aws-certification for details") == set()
    # "Azure DevOps" is no form that counts twice: only the product.
    assert ids("Pipelines in Azure DevOps") == {"azure-devops"}


def test_a_second_skill_is_credited_alike_with_and_without_the_kernel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rolediff.skills import skill_matcher

    texts = [
        "AWS certification, GCP Certified, Kubernetes certifications and CKA",
        "Certified Kubernetes Administrator; **Azure DevOps Engineer Expert**; Azure",
        "Directly impacting customer-facing systems?** Go\n  * A deep sense",
    ]
    matcher = skill_matcher()
    with_kernel = [[(h.id, h.count, h.spans) for h in matcher.find(t)] for t in texts]
    assert speedups() is not None or not os.environ.get("ROLEDIFF_REQUIRE_SPEEDUPS")
    monkeypatch.setenv("ROLEDIFF_PURE_PYTHON", "1")
    speedups.cache_clear()
    try:
        assert speedups() is None
        pure = [[(h.id, h.count, h.spans) for h in matcher.find(t)] for t in texts]
    finally:
        monkeypatch.delenv("ROLEDIFF_PURE_PYTHON")
        speedups.cache_clear()
    assert pure == with_kernel
    title, last = texts[1].index("Azure DevOps"), texts[1].rindex("Azure")
    assert ("azure", 2, [(title, title + 28), (last, last + 5)]) in pure[1]


def test_a_taxonomy_without_a_second_skill_leaves_it_out() -> None:
    from rolediff.skills import SkillMatcher, Taxonomy, taxonomy

    tax = taxonomy()
    by_id = {k: v for k, v in tax.by_id.items() if k != "cloud-certification"}
    by_surface = {k: v for k, v in tax.by_surface.items() if v != "cloud-certification"}
    matcher = SkillMatcher(Taxonomy(by_id, by_surface, tax.by_area))
    assert {h.id for h in matcher.find("AWS certification")} == {"aws"}


def test_longest_match_wins_and_offsets_point_at_the_text() -> None:
    text = "We run Google Kubernetes Engine and plain Kubernetes."
    hits = {h.id: h for h in find_skills(text)}
    assert "google-gke" in hits
    kube = hits["kubernetes"]
    assert kube.count == 1
    assert [text[a:b] for a, b in kube.spans] == ["Kubernetes"]


def test_counts_every_mention() -> None:
    hit = next(
        h for h in find_skills("Docker here, docker there, DOCKER everywhere") if h.id == "docker"
    )
    assert hit.count == 3


def test_every_context_rule_names_a_real_skill_and_form() -> None:
    from rolediff.skills import surface, taxonomy

    tax = taxonomy()
    rules = data.skill_context_rules()
    for rule in rules.rule:
        skill = tax.get(rule.skill)
        forms = {surface(f) for f in (skill.name, *skill.aliases)}
        assert set(map(surface, rule.forms)) <= forms, rule.skill
    for form in rules.stop:
        assert surface(form) in tax.by_surface, form


def test_spaced_keeps_offsets() -> None:
    text = "ci/cd, node.js; C++ — naïve café’s"  # noqa: RUF001
    out = spaced(text.lower())
    assert len(out) == len(text)
    assert out.split() == ["ci", "cd", "node", "js", "c++", "naïve", "café", "s"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_matcher_never_fails_and_spans_are_inside(text: str) -> None:
    for hit in find_skills(text):
        assert hit.count == len(hit.spans) >= 1
        for start, stop in hit.spans:
            assert 0 <= start < stop <= len(text)


@pytest.mark.parametrize(
    "text",
    [
        "mail\u00a0me@example.com about Terraform",
        "see\u2003https://x.io/terraform\u2003and Terraform",
        "@@@ www.www. :// @",
        "a@b",
    ],
)
def test_url_and_email_detection_ends_on_any_whitespace(text: str) -> None:
    hits = find_skills(text)
    for hit in hits:
        for start, stop in hit.spans:
            assert "@" not in text[start:stop] and "://" not in text[start:stop]


# --- word hashes and the hash index (the classifier's fast n-gram lookup) ----------------------


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200) | st.text(alphabet="ab C+#-_.\u3000\u00e9\u2019 \n", max_size=60))
def test_word_hashes_are_the_words_str_split_finds(text: str) -> None:
    prepared = Prepared.of(text)
    words = prepared.spaced.split()
    assert prepared.spaced == spaced(prepared.low)
    where = zip(Words.of(prepared.codes).starts, Words.of(prepared.codes).ends, strict=True)
    assert [prepared.spaced[a:b] for a, b in where] == words
    if words:
        assert Words.of(prepared.codes).hashes.tolist() == hash_terms(words).tolist()
    if len(words) > 1:
        joined = [f"{a} {b}" for a, b in pairwise(words)]
        assert Words.of(prepared.codes).pairs().tolist() == hash_terms(joined).tolist()


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=120)
    | st.text(alphabet="aB \u03a3\u03c3\u0130\u212a\u00c9\u2019\u3000\U00010400-.#+", max_size=40)
)
def test_prepared_text_is_its_lower_case_and_spaced_codes(text: str) -> None:
    # Prepared.of takes a shortcut through lookup tables for non-ASCII text; it must give what
    # lower_same_length and the separator table give (final sigma, 'İ', letters beyond the BMP).
    # Both with the compiled kernel (when built) and with the NumPy tables.
    low = lower_same_length(text)
    dtypes = set()
    for kernel in (speedups(), None):
        with patch("rolediff.skills.speedups", lambda k=kernel: k):
            prepared = Prepared.of(text)
        assert prepared.low == low
        assert prepared.codes.tolist() == _spaced_codes(low).tolist()
        assert prepared.spaced == spaced(low)
        dtypes.add(prepared.codes.dtype)
    assert len(dtypes) == 1


def test_every_character_str_split_splits_on_separates_words() -> None:
    table = _separator_table()
    spaces = [c for c in range(0x110000) if chr(c).isspace()]
    assert all(table[min(c, len(table) - 1)] or c == 0x3000 for c in spaces)


def test_ascii_and_wide_texts_hash_alike() -> None:
    ascii_only = Prepared.of("Kubernetes, Terraform and CI/CD")
    wide = Prepared.of("Kubernetes, Terraform and CI/CD \u2014")
    assert ascii_only.codes.dtype != wide.codes.dtype
    assert Words.of(ascii_only.codes).hashes.tolist() == Words.of(wide.codes).hashes.tolist()


def test_hash_terms_rejects_what_is_not_one_or_two_words() -> None:
    for bad in (["ci/cd"], ["three words here"], ["a  b"], [""]):
        with pytest.raises(ValueError, match="one or two words"):
            hash_terms(bad)


@pytest.mark.parametrize("n", [0, 1, 2, 50, 5000])
def test_hash_index_finds_its_keys_and_nothing_else(n: int) -> None:
    import numpy as np

    rng = np.random.default_rng(n)
    keys = rng.integers(0, 2**63, size=n, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    index = HashIndex(keys)
    found, positions = index.find(keys[::-1].copy())
    assert found.all() and positions.tolist() == list(range(n))[::-1]
    others = rng.integers(0, 2**63, size=1000, dtype=np.uint64) * np.uint64(2)  # all even
    found, positions = index.find(np.concatenate((others, np.zeros(3, dtype=np.uint64))))
    assert not found.any() and len(positions) == 0
    with pytest.raises(ValueError, match="distinct"):
        HashIndex(np.asarray([5, 5], dtype=np.uint64))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_a_words_hash_is_the_hash_of_its_text(text: str) -> None:
    # The compiled key finder's tables hash word runs with text_hash; Words hashes each word.
    codes = _spaced_codes(lower_same_length(text))
    words = Words.of(codes)
    spaced_text = "".join(map(chr, codes.tolist()))
    for start, end, h in zip(words.starts, words.ends, words.hashes, strict=True):
        assert int(h) == text_hash(spaced_text[start:end])


# --- counting an index's terms in a text: the compiled kernel and the NumPy path ---------------


def _reference_counts(index: HashIndex, codes: np.ndarray) -> dict[int, int]:
    words = Words.of(codes)
    found = index.find(np.concatenate((words.hashes, words.pairs())))[1]
    return dict(sorted(Counter(found.tolist()).items()))


@pytest.fixture
def pure_python(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ROLEDIFF_PURE_PYTHON", "1")
    speedups.cache_clear()
    yield
    monkeypatch.delenv("ROLEDIFF_PURE_PYTHON")
    speedups.cache_clear()


_VOCABULARY = ["kubernetes", "on call", "ci", "cd", "ci cd", "sre", "é", "a b", "b", "+", "c#"]


def _kernel_and_numpy(text: str) -> tuple[tuple[list[int], list[int]], ...]:
    index = HashIndex(hash_terms(_VOCABULARY))
    codes = Prepared.of(text).codes
    results = []
    for kernel in (speedups(), None):
        with patch("rolediff.skills.speedups", lambda k=kernel: k):
            idx, counts = index.count_terms(codes)
        results.append((idx.tolist(), counts.tolist()))
    expected = _reference_counts(index, codes)
    results.append((list(expected), list(expected.values())))
    return tuple(results)


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=200)
    | st.lists(st.sampled_from([*_VOCABULARY, " ", "/", "\u3000", "\u2014", "x"]), max_size=40).map(
        " ".join
    )
)
def test_the_kernel_and_numpy_count_the_same_terms(text: str) -> None:
    kernel, numpy_path, reference = _kernel_and_numpy(text)
    assert numpy_path == reference
    if speedups() is not None:
        assert kernel == reference


@pytest.mark.parametrize("n", [300, 70_000])
def test_positions_of_large_indexes_are_sorted_on_both_paths(n: int) -> None:
    # The kernel tallies the positions found in a table of the index's size (grown for a larger
    # index, then reused, cleared, by a smaller one); the NumPy path sorts them as 16-bit
    # integers up to 65,536 keys.
    vocabulary = [f"w{i}" for i in range(n)]
    index = HashIndex(hash_terms(vocabulary))
    rng = np.random.default_rng(n)
    picks = rng.integers(0, n, size=3000)
    picks[::7] = n - 1  # the last position, many times over
    codes = Prepared.of(" ".join(vocabulary[i] for i in picks)).codes
    expected = _reference_counts(index, codes)
    for kernel in (speedups(), None):
        with patch("rolediff.skills.speedups", lambda k=kernel: k):
            idx, counts = index.count_terms(codes)
        assert idx.tolist() == list(expected) and counts.tolist() == list(expected.values())


@pytest.mark.parametrize("length", [255, 256, 257, 600])
def test_words_longer_than_the_kernels_table_of_powers_hash_alike(length: int) -> None:
    # The kernel hashes a word's first 256 code points from a table of powers and carries the
    # power on beyond it; a separator starts the next word from the table again.
    long_word = "".join(chr(ord("a") + i % 26) for i in range(length))
    index = HashIndex(hash_terms([long_word, f"{long_word} sre", "sre"]))
    for text in (f"{long_word} sre {long_word}", f"{long_word}\u3000sre\u3000é"):
        codes = Prepared.of(text).codes
        expected = _reference_counts(index, codes)
        assert expected  # the long word is found, on the reference path too
        for kernel in (speedups(), None):
            with patch("rolediff.skills.speedups", lambda k=kernel: k):
                idx, counts = index.count_terms(codes)
            assert dict(zip(idx.tolist(), counts.tolist(), strict=True)) == expected


def test_counting_terms_on_a_known_text() -> None:
    for result in _kernel_and_numpy("On-call SRE: CI/CD, ci cd and Kubernetes\u3000kubernetes."):
        positions, counts = result
        found = {_VOCABULARY[p]: c for p, c in zip(positions, counts, strict=True)}
        assert found == {"kubernetes": 2, "on call": 1, "ci": 2, "cd": 2, "ci cd": 2, "sre": 1}


def test_an_empty_index_counts_nothing() -> None:
    index = HashIndex(np.zeros(0, dtype=np.uint64))
    idx, counts = index.count_terms(Prepared.of("kubernetes").codes)
    assert len(idx) == len(counts) == 0


def test_the_compiled_kernel_is_built_when_required() -> None:
    # .ci/run sets ROLEDIFF_REQUIRE_SPEEDUPS: CI cannot pass on the NumPy path alone.
    if os.environ.get("ROLEDIFF_REQUIRE_SPEEDUPS"):
        assert speedups() is not None, "rolediff._speedups was not built"
    elif speedups() is None:
        pytest.skip("the C kernel is not built (no compiler at install time)")


def test_a_kernel_built_from_another_source_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    kernel = compiled_kernel()
    monkeypatch.setattr(kernel, "SOURCE_DIGEST", "0" * 16)
    speedups.cache_clear()
    try:
        assert speedups() is None
    finally:
        monkeypatch.undo()
        speedups.cache_clear()
    assert speedups() is kernel


def test_pure_python_switch_turns_the_kernel_off(pure_python: None) -> None:
    assert speedups() is None
    index = HashIndex(hash_terms(_VOCABULARY))
    idx, counts = index.count_terms(Prepared.of("sre sre").codes)
    assert idx.tolist() == [_VOCABULARY.index("sre")] and counts.tolist() == [2]


def test_the_kernel_refuses_inconsistent_buffers() -> None:
    kernel = compiled_kernel()
    index = HashIndex(hash_terms(_VOCABULARY))
    codes = Prepared.of("kubernetes sre").codes
    small = np.empty(2, dtype=np.int64)
    tables = (int(index._shift), int(index._bucket_mask), index._size)
    with pytest.raises(ValueError, match="inconsistent"):
        kernel.count_terms(codes, index._slots, index._multipliers, *tables, small, small)
    with pytest.raises(ValueError, match="inconsistent"):  # half the slots
        kernel.count_terms(codes, index._slots[:-1], index._multipliers, *tables, small, small)
    with pytest.raises(TypeError, match="items of 8 bytes"):
        kernel.count_terms(
            codes, index._slots.astype(np.uint32), index._multipliers, *tables, small, small
        )
    with pytest.raises(ValueError, match="out of range"):
        kernel.score_terms(
            np.asarray([5], dtype=np.int64), np.asarray([1], dtype=np.int64),
            np.zeros((2, 8)), 6, np.empty(1), np.empty(6),
        )  # fmt: skip
    assert kernel.prepare("\U0001f600 astral", *_bmp_tables(), np.empty(8, dtype=np.uint32)) is None


def test_links_hide_only_the_skills_inside_them() -> None:
    """Many links in a text: a skill between them still counts; ".NET/C#" is no link."""
    links = " ".join(f"https://example.com/{i}/docker" for i in range(50))
    assert ids(f"{links} Terraform {links} www.example.com/ansible") == {"terraform"}
    assert "csharp" in ids("Experience in software development with .NET/C#")


def test_the_text_of_a_markdown_link_is_read_its_address_is_not() -> None:
    text = "Tools: [Docker](https://docker.com), [Node.js](http://node.js) and <https://k8s.io>"
    found = {h.id: h.count for h in find_skills(text)}
    assert found.get("docker") == 1 and found.get("nodejs") == 1  # once: not again in the URL
    assert "kubernetes" not in found  # k8s.io is an address
    assert "https" not in found


_PLACE_FRAGMENTS = [
    *("Kubernetes", "k8s", "Go", "go", "GO", "make", "Make", "chef", "Chef", "leadership"),
    *("strong leadership skills", "CI/CD", "ci cd", "Terraform", "terraforming", "HTTPS"),
    *("https://docker.io/terraform", "[Docker](https://docker.com)", "me@x.io", "www.k8s.io"),
    *("Google Kubernetes Engine", "Amazon EKS", "node", "Node.js", " ", "  ", "\n", "-", ","),
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PLACE_FRAGMENTS), max_size=25).map("".join))
def test_the_kernel_places_skills_as_python_does(text: str) -> None:
    from rolediff.postings.scan import scan
    from rolediff.skills import _url_spans, skill_matcher

    kernel = compiled_kernel()
    matcher = skill_matcher()
    prepared = Prepared.of(text)
    matches = scan(prepared).skills or []
    urls = _url_spans(prepared.low)
    expected = matcher._place(matches, urls, prepared.text, prepared.low)
    starts, ends = [a for a, _ in urls], [b for _, b in urls]
    placed = kernel.place_skills(matches, starts, ends, matcher._passes, text, prepared.low)
    assert placed == expected
    assert list(placed) == list(expected)  # skills in order of their first span


def test_place_skills_refuses_what_it_cannot_read() -> None:
    kernel = compiled_kernel()

    def passes(*_: object) -> bool:
        return True

    with pytest.raises(TypeError):
        kernel.place_skills([(3, ("x", 3))], [], [], passes, "abc", "abc")
    with pytest.raises(TypeError):
        kernel.place_skills([], [1], [], passes, "abc", "abc")
    with pytest.raises(ZeroDivisionError):  # an error in a rule's check is raised, not lost
        kernel.place_skills([(3, ("x", 3, 0, 0, "rule"))], [], [], lambda *_: 1 / 0, "abc", "abc")
    assert kernel.place_skills([(3, ("x", 3, 0, 0, None))], [], [], passes, "abc", "abc") == {
        "x": [(0, 3)]
    }
