//! Principal component analysis (linfa-reduction).

use linfa::prelude::*;
use linfa_reduction::Pca;
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::linfa_error;
use super::model::all_finite;
use crate::algorithms::params::Params;
use crate::error::{Error, Result};

#[derive(Serialize, Deserialize)]
pub struct PcaModel(Pca<f64>);

pub fn fit(params: &Params, x: ArrayView2<f64>) -> Result<PcaModel> {
    let most = x.nrows().min(x.ncols());
    let components = params.opt_usize("n_components")?.unwrap_or(most);
    if components > most {
        return Err(Error::fit(format!(
            "pca: n_components = {components} but at most {most} fit this data"
        )));
    }
    let model = Pca::params(components)
        .fit(&DatasetBase::from(x.to_owned()))
        .map_err(linfa_error)?;
    Ok(PcaModel(model))
}

impl PcaModel {
    /// The rows projected on the components (centered by the training mean, not whitened).
    pub fn transform(&self, x: ArrayView2<f64>) -> Array2<f64> {
        self.0.predict(&x)
    }
}

impl PcaModel {
    pub fn check(&self, features: usize) -> std::result::Result<(), String> {
        let (components, mean) = (self.0.components(), self.0.mean());
        if components.ncols() != features || mean.len() != features || components.nrows() == 0 {
            return Err(format!(
                "has components that do not fit {features} features"
            ));
        }
        if !all_finite(components.iter().chain(mean)) {
            return Err("has non-finite components".into());
        }
        Ok(())
    }
}
