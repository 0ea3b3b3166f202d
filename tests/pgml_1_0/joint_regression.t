PostgresML 1.0's joint_regression.sql: several targets at once, on linnerud (20 rows, 5 test rows).
With 5 test rows the scores are noisy and mostly below 0; the training mean scores -0.046 (it is
what lightgbm and hist_gradient_boosting predict: their leaves need 20 rows, and 15 cannot be
split). stochastic_gradient_descent, passive_aggressive and linear_svm diverge or stop unconverged
on these unscaled features (situps run to 250): scikit-learn's SGDRegressor gives r2 -7.7e25 on
its split. `--preprocess '{"*": {"scale": "standard"}}'` is the cure a user would reach for.
The script spelled orthogonal_matching_pursuit `orthoganl_matching_pursuit`; pgml-cli accepts it.

The algorithms of the 1.0 script, in its order and with its hyperparameters. Where an algorithm
has both runtimes, the default (rust) comes first, then `--runtime python` (scikit-learn, as 1.0).
xgboost and lightgbm are pinned to one thread (see README.md).
1.0's svm took scikit-learn's max_iter, which the native svm lacks: that line trains on the python
runtime (and says so), and the native svm follows with its defaults.
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm linear
  trained linear (regression, rust runtime: ndarray-linalg [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 1 of project 'Exercise', deployed
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             12.311654
    mean_squared_error              433.073390
    r2                              -1.135596  (key metric)
    root_mean_squared_error         15.322490
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm linear --runtime python
  trained linear (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 2 of project 'Exercise', not deployed (model 1 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             12.311654
    mean_squared_error              433.073390
    r2                              -1.135596  (key metric)
    root_mean_squared_error         15.322490
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm ridge
  trained ridge (regression, rust runtime: ndarray-linalg [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 3 of project 'Exercise', deployed
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             12.306064
    mean_squared_error              432.321205
    r2                              -1.131163  (key metric)
    root_mean_squared_error         15.309543
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm ridge --runtime python
  trained ridge (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 4 of project 'Exercise', not deployed (model 3 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             12.306064
    mean_squared_error              432.321205
    r2                              -1.131163  (key metric)
    root_mean_squared_error         15.309543
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm lasso
  trained lasso (regression, rust runtime: linfa [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 5 of project 'Exercise', deployed
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             12.191136
    mean_squared_error              426.626149
    r2                              -0.970556  (key metric)
    root_mean_squared_error         15.115098
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm lasso --runtime python
  trained lasso (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 6 of project 'Exercise', not deployed (model 5 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             12.191136
    mean_squared_error              426.626149
    r2                              -0.970556  (key metric)
    root_mean_squared_error         15.115098
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm elastic_net
  trained elastic_net (regression, rust runtime: linfa [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 7 of project 'Exercise', not deployed (model 5 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             12.205706
    mean_squared_error              424.554283
    r2                              -1.023096  (key metric)
    root_mean_squared_error         15.128625
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm elastic_net --runtime python
  trained elastic_net (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 8 of project 'Exercise', not deployed (model 5 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             12.205706
    mean_squared_error              424.554283
    r2                              -1.023096  (key metric)
    root_mean_squared_error         15.128625
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm least_angle
  trained least_angle (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 9 of project 'Exercise', not deployed (model 5 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             12.311654
    mean_squared_error              433.073390
    r2                              -1.135596  (key metric)
    root_mean_squared_error         15.322490
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm lasso_least_angle
  trained lasso_least_angle (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 10 of project 'Exercise', deployed
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             12.191069
    mean_squared_error              426.613039
    r2                              -0.970508  (key metric)
    root_mean_squared_error         15.114890
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm orthoganl_matching_pursuit
  trained orthogonal_matching_pursuit (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 11 of project 'Exercise', deployed
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             11.470241
    mean_squared_error              317.261115
    r2                              -0.549501  (key metric)
    root_mean_squared_error         13.237424
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm bayesian_ridge
  trained bayesian_ridge (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 12 of project 'Exercise', deployed
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             10.753807
    mean_squared_error              290.087656
    r2                              -0.318726  (key metric)
    root_mean_squared_error         12.493038
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm automatic_relevance_determination
  trained automatic_relevance_determination (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 13 of project 'Exercise', not deployed (model 12 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             11.684436
    mean_squared_error              411.764311
    r2                              -0.926650  (key metric)
    root_mean_squared_error         14.734446
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm stochastic_gradient_descent
  trained stochastic_gradient_descent (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 14 of project 'Exercise', not deployed (model 12 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             53506108491147.398438
    mean_squared_error              3154227163051542899400376320.000000
    r2                              -333629593112983628014419968.000000  (key metric)
    root_mean_squared_error         55869739002647.054688
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm passive_aggressive
  pgml-cli: warning: FutureWarning: Class PassiveAggressiveRegressor is deprecated; this is deprecated in version 1.8 and will be removed in 1.10. Use `SGDRegressor(loss='epsilon_insensitive', penalty=None, learning_rate='pa1', eta0 = 1.0)` instead.
  trained passive_aggressive (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 15 of project 'Exercise', not deployed (model 12 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             51.138634
    mean_squared_error              4551.039761
    r2                              -54.622740  (key metric)
    root_mean_squared_error         53.522879
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm ransac
  trained ransac (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 16 of project 'Exercise', not deployed (model 12 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             11.098460
    mean_squared_error              266.304755
    r2                              -0.374254  (key metric)
    root_mean_squared_error         12.417236
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm theil_sen --hyperparams '{"max_iter": 10, "max_subpopulation": 100}'
  pgml-cli: warning: ConvergenceWarning: Maximum number of iterations 10 reached in spatial median for TheilSen regressor.
  trained theil_sen (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 17 of project 'Exercise', not deployed (model 12 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             11.561953
    mean_squared_error              322.796122
    r2                              -0.684984  (key metric)
    root_mean_squared_error         13.672260
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm huber
  trained huber (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 18 of project 'Exercise', not deployed (model 12 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             11.405317
    mean_squared_error              319.062010
    r2                              -0.531341  (key metric)
    root_mean_squared_error         13.332105
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm svm --hyperparams '{"max_iter": 100}'
  pgml-cli: warning: the native svm takes no hyperparameter 'max_iter': training on the python runtime
  trained svm (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 19 of project 'Exercise', deployed
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             9.369912
    mean_squared_error              223.167849
    r2                              -0.210194  (key metric)
    root_mean_squared_error         11.415806
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm svm --runtime rust
  trained svm (regression, rust runtime: linfa [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 20 of project 'Exercise', not deployed (model 19 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             9.369912
    mean_squared_error              223.167849
    r2                              -0.210194  (key metric)
    root_mean_squared_error         11.415806
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm nu_svm --hyperparams '{"max_iter": 10}'
  pgml-cli: warning: ConvergenceWarning: Solver terminated early (max_iter=10). Consider pre-processing your data with StandardScaler or MinMaxScaler.
  trained nu_svm (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 21 of project 'Exercise', not deployed (model 19 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             8.938830
    mean_squared_error              215.126491
    r2                              -0.339197  (key metric)
    root_mean_squared_error         11.109348
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm linear_svm --hyperparams '{"max_iter": 100}'
  pgml-cli: warning: ConvergenceWarning: Liblinear failed to converge, increase the number of iterations.
  trained linear_svm (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 22 of project 'Exercise', not deployed (model 19 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             54.574552
    mean_squared_error              4374.886740
    r2                              -106.846553  (key metric)
    root_mean_squared_error         56.384546
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm ada_boost --hyperparams '{"n_estimators": 5}'
  trained ada_boost (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 23 of project 'Exercise', deployed
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             9.264762
    mean_squared_error              261.309521
    r2                              -0.085537  (key metric)
    root_mean_squared_error         11.598371
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm bagging --hyperparams '{"n_estimators": 5}'
  trained bagging (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 24 of project 'Exercise', not deployed (model 23 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             10.373333
    mean_squared_error              272.144000
    r2                              -0.239358  (key metric)
    root_mean_squared_error         12.224335
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm extra_trees --hyperparams '{"n_estimators": 5}'
  trained extra_trees (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 25 of project 'Exercise', not deployed (model 23 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             10.800000
    mean_squared_error              290.128000
    r2                              -0.562160  (key metric)
    root_mean_squared_error         12.940507
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm gradient_boosting_trees --hyperparams '{"n_estimators": 5}'
  trained gradient_boosting_trees (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 26 of project 'Exercise', not deployed (model 23 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             9.730848
    mean_squared_error              241.012329
    r2                              -0.107707  (key metric)
    root_mean_squared_error         11.574225
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm random_forest --hyperparams '{"n_estimators": 5}'
  trained random_forest (regression, rust runtime: pgml-cli [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 27 of project 'Exercise', not deployed (model 23 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             10.186667
    mean_squared_error              293.194667
    r2                              -0.149660  (key metric)
    root_mean_squared_error         12.273070
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm random_forest --hyperparams '{"n_estimators": 5}' --runtime python
  trained random_forest (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 28 of project 'Exercise', deployed
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             8.000000
    mean_squared_error              226.213333
    r2                              0.266193  (key metric)
    root_mean_squared_error         10.333392
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm xgboost --hyperparams '{"n_estimators": 10, "n_jobs": 1}'
  trained xgboost (regression, python runtime: xgboost [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 29 of project 'Exercise', not deployed (model 28 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             8.591342
    mean_squared_error              232.111201
    r2                              -0.236437  (key metric)
    root_mean_squared_error         11.652504
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm xgboost_random_forest --hyperparams '{"n_estimators": 10, "n_jobs": 1}'
  trained xgboost_random_forest (regression, python runtime: xgboost [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 30 of project 'Exercise', not deployed (model 28 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             9.043328
    mean_squared_error              238.523783
    r2                              -0.250262  (key metric)
    root_mean_squared_error         11.755420
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm lightgbm --hyperparams '{"n_estimators": 1, "n_jobs": 1}'
  trained lightgbm (regression, python runtime: lightgbm [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 31 of project 'Exercise', not deployed (model 28 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             8.888889
    mean_squared_error              215.567407
    r2                              -0.046489  (key metric)
    root_mean_squared_error         10.947267
  fit_time [..]s  score_time [..]s

What 1.0 left out as too slow, with their defaults.
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm quantile
  trained quantile (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 32 of project 'Exercise', not deployed (model 28 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             11.510202
    mean_squared_error              305.804149
    r2                              -0.432991  (key metric)
    root_mean_squared_error         13.107882
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm kernel_ridge
  trained kernel_ridge (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 33 of project 'Exercise', not deployed (model 28 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             41.093320
    mean_squared_error              2812.462441
    r2                              -40.489353  (key metric)
    root_mean_squared_error         43.904203
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm gaussian_process
  trained gaussian_process (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 34 of project 'Exercise', not deployed (model 28 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             14.356466
    mean_squared_error              383.461949
    r2                              -2.871803  (key metric)
    root_mean_squared_error         16.372392
  fit_time [..]s  score_time [..]s
  $ pgml-cli train --project 'Exercise' --data datasets/linnerud.csv --target weight,waist,pulse --task regression --algorithm hist_gradient_boosting
  trained hist_gradient_boosting (regression, python runtime: scikit-learn [..]) on 15 of 20 rows of datasets/linnerud.csv
  3 columns (3 number) -> 3 features
  recorded as model 35 of project 'Exercise', not deployed (model 28 stays deployed: its r2 is not beaten)
  test metrics on 5 rows (random sampling, seed 0):
    mean_absolute_error             8.888889
    mean_squared_error              215.567407
    r2                              -0.046489  (key metric)
    root_mean_squared_error         10.947267
  fit_time [..]s  score_time [..]s


The deploy calls of 1.0, in its order.
  $ pgml-cli deploy 'Exercise' --strategy most_recent --algorithm random_forest
  deployed model 28 of project 'Exercise' (most_recent): random_forest (python), r2 0.266193
  $ pgml-cli deploy 'Exercise' --strategy best_score
  deployed model 28 of project 'Exercise' (best_score): random_forest (python), r2 0.266193
  $ pgml-cli deploy 'Exercise' --strategy most_recent
  deployed model 35 of project 'Exercise' (most_recent): hist_gradient_boosting (python), r2 -0.046489
  $ pgml-cli deploy 'Exercise' --strategy rollback
  deployed model 28 of project 'Exercise' (rollback): random_forest (python), r2 0.266193
  $ pgml-cli deploy 'Exercise' --strategy best_score --algorithm svm
  deployed model 20 of project 'Exercise' (best_score): svm (rust), r2 -0.210194

Predictions for 10 rows by the deployed model, then by model id (the first model, linear).
  $ head -n 11 datasets/linnerud.csv | pgml-cli predict --project 'Exercise' --data - --keep weight,waist,pulse
  weight,waist,pulse,weight_predicted,waist_predicted,pulse_predicted
  191,36,50,177.15215777274315,34.67960587861735,53.408201814938856
  189,37,52,178.87033789072143,35.83533418607483,52.916606822217375
  193,38,58,178.79081015564023,36.06656140509805,53.26301111207472
  162,35,62,178.92867643151882,35.6756566557203,52.76909122578329
  189,35,46,177.38679842610577,34.81477253082623,53.333326286700846
  182,36,56,179.06171381635664,35.81208882832961,52.750403437565645
  211,38,56,179.03451614217803,35.75932758712644,52.73919273131108
  167,34,60,178.43999980396342,35.368790960417186,52.93744379686628
  176,31,74,175.99999995299024,33.673382366048266,53.66052885508628
  154,33,56,175.34677127073456,33.33016250725302,55.06534763472998
  $ head -n 11 datasets/linnerud.csv | pgml-cli predict --model 1 --data - --keep weight,waist,pulse
  weight,waist,pulse,weight_predicted,waist_predicted,pulse_predicted
  191,36,50,188.8710278895616,36.31363668307307,54.82593401062936
  189,37,52,204.2435470876703,39.031396361399025,52.01873436644309
  193,38,58,188.66499734193002,37.57705583530062,53.12515654501779
  162,35,62,183.1552261455924,35.80661386180016,54.901838909476425
  189,35,46,173.7652751827031,34.25857456314724,56.599000927512385
  182,36,56,200.45195050859007,38.33385043213169,52.61768804265679
  211,38,56,192.0487044398153,37.10409982319512,53.718564204258534
  167,34,60,191.96040126366293,36.855119443080845,54.11769811314207
  176,31,74,160.32134462990842,31.617353343569143,59.334491580515994
  154,33,56,162.88634872392362,34.55445342071989,56.541752676431926

Every model the script recorded, the deployed one marked.
  $ pgml-cli models 'Exercise'  # tolerance 0.01%: the key_metric column, compared as the metrics of fits that stop at a tolerance are (1e-4)
     id  project   algorithm                          runtime  key_metric    created
     1   Exercise  linear                             rust     -1.135596     2026-01-01T00:00:00Z
     2   Exercise  linear                             python   -1.135596     2026-01-01T00:00:00Z
     3   Exercise  ridge                              rust     -1.131163     2026-01-01T00:00:00Z
     4   Exercise  ridge                              python   -1.131163     2026-01-01T00:00:00Z
     5   Exercise  lasso                              rust     -0.970556     2026-01-01T00:00:00Z
     6   Exercise  lasso                              python   -0.970556     2026-01-01T00:00:00Z
     7   Exercise  elastic_net                        rust     -1.023096     2026-01-01T00:00:00Z
     8   Exercise  elastic_net                        python   -1.023096     2026-01-01T00:00:00Z
     9   Exercise  least_angle                        python   -1.135596     2026-01-01T00:00:00Z
     10  Exercise  lasso_least_angle                  python   -0.970508     2026-01-01T00:00:00Z
     11  Exercise  orthogonal_matching_pursuit        python   -0.549501     2026-01-01T00:00:00Z
     12  Exercise  bayesian_ridge                     python   -0.318726     2026-01-01T00:00:00Z
     13  Exercise  automatic_relevance_determination  python   -0.926650     2026-01-01T00:00:00Z
     14  Exercise  stochastic_gradient_descent        python   -333629593112983628014419968.000000  2026-01-01T00:00:00Z
     15  Exercise  passive_aggressive                 python   -54.622740    2026-01-01T00:00:00Z
     16  Exercise  ransac                             python   -0.374254     2026-01-01T00:00:00Z
     17  Exercise  theil_sen                          python   -0.684984     2026-01-01T00:00:00Z
     18  Exercise  huber                              python   -0.531341     2026-01-01T00:00:00Z
     19  Exercise  svm                                python   -0.210194     2026-01-01T00:00:00Z
  *  20  Exercise  svm                                rust     -0.210194     2026-01-01T00:00:00Z
     21  Exercise  nu_svm                             python   -0.339197     2026-01-01T00:00:00Z
     22  Exercise  linear_svm                         python   -106.846553   2026-01-01T00:00:00Z
     23  Exercise  ada_boost                          python   -0.085537     2026-01-01T00:00:00Z
     24  Exercise  bagging                            python   -0.239358     2026-01-01T00:00:00Z
     25  Exercise  extra_trees                        python   -0.562160     2026-01-01T00:00:00Z
     26  Exercise  gradient_boosting_trees            python   -0.107707     2026-01-01T00:00:00Z
     27  Exercise  random_forest                      rust     -0.149660     2026-01-01T00:00:00Z
     28  Exercise  random_forest                      python   0.266193      2026-01-01T00:00:00Z
     29  Exercise  xgboost                            python   -0.236437     2026-01-01T00:00:00Z
     30  Exercise  xgboost_random_forest              python   -0.250262     2026-01-01T00:00:00Z
     31  Exercise  lightgbm                           python   -0.046489     2026-01-01T00:00:00Z
     32  Exercise  quantile                           python   -0.432991     2026-01-01T00:00:00Z
     33  Exercise  kernel_ridge                       python   -40.489353    2026-01-01T00:00:00Z
     34  Exercise  gaussian_process                   python   -2.871803     2026-01-01T00:00:00Z
     35  Exercise  hist_gradient_boosting             python   -0.046489     2026-01-01T00:00:00Z
