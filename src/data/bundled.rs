//! scikit-learn's toy datasets, compiled into the binary so examples and tests need no download.

use crate::task::Task;

pub struct Bundled {
    pub name: &'static str,
    pub task: Task,
    pub targets: &'static [&'static str],
    pub about: &'static str,
    pub csv: &'static str,
}

pub const DATASETS: &[Bundled] = &[
    Bundled {
        name: "breast_cancer",
        task: Task::Classification,
        targets: &["malignant"],
        about: "Wisconsin diagnostic breast cancer, binary",
        csv: include_str!("../../datasets/breast_cancer.csv"),
    },
    Bundled {
        name: "diabetes",
        task: Task::Regression,
        targets: &["target"],
        about: "disease progression after one year (scaled features)",
        csv: include_str!("../../datasets/diabetes.csv"),
    },
    Bundled {
        name: "digits",
        task: Task::Classification,
        targets: &["target"],
        about: "8x8 images of handwritten digits, 10 classes",
        csv: include_str!("../../datasets/digits.csv"),
    },
    Bundled {
        name: "iris",
        task: Task::Classification,
        targets: &["target"],
        about: "iris species from flower measurements, 3 classes",
        csv: include_str!("../../datasets/iris.csv"),
    },
    Bundled {
        name: "linnerud",
        task: Task::Regression,
        targets: &["weight", "waist", "pulse"],
        about: "physiological targets from exercises, joint regression",
        csv: include_str!("../../datasets/linnerud.csv"),
    },
    Bundled {
        name: "wine",
        task: Task::Classification,
        targets: &["target"],
        about: "wine cultivars from chemical analysis, 3 classes",
        csv: include_str!("../../datasets/wine.csv"),
    },
];

impl Bundled {
    pub fn find(name: &str) -> Option<&'static Bundled> {
        DATASETS.iter().find(|d| d.name == name)
    }

    pub fn rows(&self) -> usize {
        self.csv.lines().count() - 1
    }

    pub fn columns(&self) -> usize {
        self.csv
            .lines()
            .next()
            .map_or(0, |header| header.split(',').count())
    }
}
