"""Pay: taxes, living costs, salary estimates and take-home pay."""
